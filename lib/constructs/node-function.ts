import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

/** Options of {@link nodeFunction}. */
export interface NodeFunctionOptions {
  entry: string;
  timeout?: Duration;
  memorySize?: number;
  environment?: Record<string, string>;
  /** Extra Node.js / V8 flags for NODE_OPTIONS (source maps are always on). */
  nodeFlags?: readonly string[];
  /** Role to run as; a new one with basic execution rights when left out. */
  role?: iam.IRole;
  vpc?: ec2.IVpc;
  securityGroups?: ec2.ISecurityGroup[];
  /** A folder copied into the bundle (e.g. SQL files read at run time). */
  copyIntoBundle?: { from: string; to: string };
}

/**
 * A Lambda function bundled by esbuild on the deploying machine: Node.js 24 on arm64, with the
 * AWS SDK bundled in (the runtime's copy may lack newer API fields) and a log group with retention.
 */
export function nodeFunction(scope: Construct, id: string, o: NodeFunctionOptions): NodejsFunction {
  const logGroup = new logs.LogGroup(scope, `${id}Logs`, { retention: logs.RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
  return new NodejsFunction(scope, id, {
    entry: o.entry,
    handler: 'handler',
    runtime: lambda.Runtime.NODEJS_24_X,
    architecture: lambda.Architecture.ARM_64,
    timeout: o.timeout ?? Duration.minutes(1),
    memorySize: o.memorySize ?? 512,
    environment: { NODE_OPTIONS: ['--enable-source-maps', ...(o.nodeFlags ?? [])].join(' '), ...o.environment },
    role: o.role,
    vpc: o.vpc,
    vpcSubnets: o.vpc ? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS } : undefined,
    securityGroups: o.securityGroups,
    logGroup,
    bundling: {
      externalModules: [],
      minify: true,
      sourceMap: true,
      format: OutputFormat.CJS,
      target: 'node24',
      ...(o.copyIntoBundle
        ? {
            commandHooks: {
              beforeBundling: () => [],
              beforeInstall: () => [],
              afterBundling: (_input: string, output: string) => [`cp -r "${o.copyIntoBundle!.from}" "${output}/${o.copyIntoBundle!.to}"`],
            },
          }
        : {}),
    },
  });
}
