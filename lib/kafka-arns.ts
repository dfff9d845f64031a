/**
 * ARNs for MSK's IAM data-plane actions. CloudFormation returns only the cluster ARN
 * (`arn:aws:kafka:<region>:<account>:cluster/<name>/<uuid>`); topic and group ARNs reuse its
 * name and uuid: `…:topic/<name>/<uuid>/<topic>`, `…:group/<name>/<uuid>/<group>`.
 */
import { Fn, Stack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';

function arnOf(scope: Construct, clusterArn: string, kind: 'topic' | 'group', name: string): string {
  const parts = Fn.split('/', clusterArn);
  const stack = Stack.of(scope);
  return Fn.join('', [
    `arn:${stack.partition}:kafka:${stack.region}:${stack.account}:${kind}/`,
    Fn.select(1, parts),
    '/',
    Fn.select(2, parts),
    `/${name}`,
  ]);
}

/** The ARN of a topic of the cluster. */
export const topicArn = (scope: Construct, clusterArn: string, topic: string) => arnOf(scope, clusterArn, 'topic', topic);
/** The ARN of a consumer group of the cluster. */
export const groupArn = (scope: Construct, clusterArn: string, group: string) => arnOf(scope, clusterArn, 'group', group);
