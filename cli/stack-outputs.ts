/** A deployed stack's outputs, read once per command. */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';

/**
 * The outputs of `stack` by key; throws naming the stack and what it should be (`kind`) when
 * one of the `required` outputs is missing.
 */
export async function stackOutputs(
  stack: string,
  required: readonly string[],
  kind: string,
  region?: string,
): Promise<Map<string, string>> {
  const out = await new CloudFormationClient(region ? { region } : {}).send(new DescribeStacksCommand({ StackName: stack }));
  const outputs = new Map(
    (out.Stacks?.[0]?.Outputs ?? []).flatMap((o) => (o.OutputKey && o.OutputValue ? [[o.OutputKey, o.OutputValue] as const] : [])),
  );
  const missing = required.filter((k) => !outputs.has(k));
  if (missing.length > 0)
    throw new Error(`stack ${stack} has no ${missing.join('/')} output${missing.length > 1 ? 's' : ''}; is it ${kind}?`);
  return outputs;
}

/** What a command needing the storage stack's outputs expects to be given. */
export const STORAGE_STACK = 'the clickstream storage stack (e.g. ClickstreamStorage)';
