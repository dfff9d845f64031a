/**
 * Physical names that change when their resource is replaced. CloudFormation creates the
 * replacement before it deletes the old resource, so a fixed name collides ("already exists")
 * whenever a create-only property changes. A name carrying a digest of every value that forces
 * replacement is new exactly when the resource is.
 */
import { Token } from 'aws-cdk-lib';
import { createHash } from 'node:crypto';

/**
 * `<base>-<digest>` where the digest covers `inputs`: the values that force replacement, known at
 * synth (a token would hide a change, so it is refused).
 */
export function replacementName(base: string, inputs: Record<string, unknown>, maxLength = 64): string {
  const text = JSON.stringify(inputs);
  if (Token.isUnresolved(text)) throw new Error(`replacementName(${base}): the inputs must be known at synth, got ${text}`);
  const digest = createHash('sha256').update(text).digest('hex').slice(0, 8);
  return `${base.slice(0, maxLength - 9)}-${digest}`;
}
