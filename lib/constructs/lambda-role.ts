/** Execution roles for the functions, created where their grants are made. */
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';

/** A role Lambda can assume, with the basic (logs) or VPC (logs and ENIs) execution policy. */
export function lambdaRole(scope: Construct, id: string, vpc = false): iam.Role {
  return new iam.Role(scope, id, {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: `clickstream ${id}`,
    managedPolicies: [
      iam.ManagedPolicy.fromAwsManagedPolicyName(
        vpc ? 'service-role/AWSLambdaVPCAccessExecutionRole' : 'service-role/AWSLambdaBasicExecutionRole',
      ),
    ],
  });
}
