/**
 * Every Lambda function logs to a log group that expires. Functions that CDK creates for us (the
 * custom-resource provider framework, the AwsCustomResource singleton, the default-security-group
 * restriction) otherwise write to an implicit `/aws/lambda/<name>` group that is kept forever.
 */
import { CfnResource, RemovalPolicy, type IAspect } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { IConstruct } from 'constructs';

/** Retention of the stack's own log groups. */
export const LOG_RETENTION = logs.RetentionDays.ONE_MONTH;

/** Gives every function without an explicit log group one with {@link LOG_RETENTION}. */
export class BoundedFunctionLogs implements IAspect {
  visit(node: IConstruct): void {
    if (!(node instanceof CfnResource) || node.cfnResourceType !== 'AWS::Lambda::Function') return;
    if (node instanceof lambda.CfnFunction && (node.loggingConfig as lambda.CfnFunction.LoggingConfigProperty | undefined)?.logGroup)
      return;
    const scope = node.node.scope!;
    const group = new logs.LogGroup(scope, `${node.node.id}Logs`, { retention: LOG_RETENTION, removalPolicy: RemovalPolicy.DESTROY });
    node.addPropertyOverride('LoggingConfig.LogGroup', group.logGroupName);
  }
}
