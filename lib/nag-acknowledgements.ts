/**
 * The cdk-nag (AwsSolutions) findings we accept. Each is acknowledged on the narrowest construct,
 * with the reason. Everything else is fixed in the stacks; test/infra/app.test.ts fails on any
 * finding left unacknowledged.
 */
import { Stack, Validations, type CfnResource } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { AGGREGATOR_STAGING_PREFIX } from '../contract/topics';
import type { ClickstreamStacks } from './app';
import type { CollectorStack } from './stacks/collector-stack';
import type { SearchDomain } from './constructs/search-domain';
import type { StorageStack } from './stacks/storage-stack';

const BASIC = 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]';
const VPC_ACCESS = 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]';
const MSK_EXECUTION = 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaMSKExecutionRole]';

function ack(construct: IConstruct, reason: string, ...ids: string[]): void {
  for (const id of ids) Validations.of(construct).acknowledge({ id, reason });
}

/** A construct by its path below a stack, failing loudly when the path no longer exists. */
function at(stack: Stack, path: string): IConstruct {
  const found = stack.node.tryFindChild(path.split('/')[0]);
  let node: IConstruct | undefined = found;
  for (const part of path.split('/').slice(1)) node = node?.node.tryFindChild(part);
  if (!node) throw new Error(`nag acknowledgement: no construct ${stack.stackName}/${path}`);
  return node;
}

/** The CloudFormation logical id of a construct's resource, as nag findings name it. */
function logicalId(construct: IConstruct): string {
  return Stack.of(construct).resolve((construct.node.defaultChild as CfnResource).logicalId) as string;
}

/** Applies every acknowledgement. */
export function acknowledgeFindings({ storage, collector }: ClickstreamStacks): void {
  processorRoles(storage);
  warehouse(storage);
  cdkInternals(storage);
  if (storage.search && storage.indexerRole) searchDomain(storage, storage.search, storage.indexerRole);
  publicCollector(collector, storage);
}

/** The aggregator's and archiver's execution roles and their narrowest resource patterns. */
function processorRoles(storage: StorageStack): void {
  // Lambda execution roles: the AWS managed execution policies grant only log writing (and ENI
  // management for VPC functions; MSK cluster description for event source mappings).
  for (const role of [storage.aggregatorRole, storage.archiverRole]) {
    ack(role, 'AWSLambdaBasicExecutionRole grants only CloudWatch Logs writes for this function.', BASIC);
    mskExecution(role);
  }
  ack(
    storage.archiverRole,
    "The archiver writes one object per topic, partition, hour and offset range; keys are generated, so PutObject covers the bucket's objects.",
    `AwsSolutions-IAM5[Resource::<${logicalId(storage.archive.bucket)}.Arn>/*]`,
  );
  refusedEvents(storage, storage.aggregatorRole, 'aggregator');
  ack(storage.replayerRole, 'AWSLambdaVPCAccessExecutionRole grants only logs and the ENI actions a VPC function needs.', VPC_ACCESS);
  ack(
    storage.replayerRole,
    'The replayer reads the archived events of any hour a user asks to replay; the keys hold the hour and offsets, so GetObject covers events/.',
    `AwsSolutions-IAM5[Resource::<${logicalId(storage.archive.bucket)}.Arn>/events/*]`,
  );
}

function mskExecution(role: IConstruct): void {
  ack(
    role,
    'ManagedKafkaEventSource attaches AWSLambdaMSKExecutionRole (kafka:Describe*, GetBootstrapBrokers, ENI actions); the data-plane kafka-cluster actions are granted separately on exact ARNs.',
    MSK_EXECUTION,
  );
}

function refusedEvents(storage: StorageStack, role: IConstruct, name: string): void {
  ack(
    role,
    `Refused events are written under bad/${name}/ with one object per first offset; the key suffix is not known in advance.`,
    `AwsSolutions-IAM5[Resource::<${logicalId(storage.archive.bucket)}.Arn>/bad/${name}/*]`,
  );
}

/** The search domain, its FGAC master user, its setup provider and the indexer's role. */
function searchDomain(storage: StorageStack, search: SearchDomain, indexerRole: IConstruct): void {
  const domainId = logicalId(search.domain);
  for (const role of [indexerRole, search.setupRole]) {
    ack(role, 'AWSLambdaVPCAccessExecutionRole grants only logs and the ENI actions a VPC function needs.', VPC_ACCESS);
  }
  mskExecution(indexerRole);
  refusedEvents(storage, indexerRole, 'indexer');
  ack(
    indexerRole,
    'Raw events go to daily indices clickstream-YYYY.MM.DD; the pattern covers exactly those indices and their documents.',
    `AwsSolutions-IAM5[Resource::<${domainId}.Arn>/clickstream-*]`,
    `AwsSolutions-IAM5[Resource::<${domainId}.Arn>/clickstream-*/*]`,
  );
  ack(
    search.readerRole,
    'Readers search the event indices and keep Dashboards saved objects in its own index; FGAC (a read-only role plus the Dashboards user role) limits what they may do under the domain ARN.',
    `AwsSolutions-IAM5[Resource::<${domainId}.Arn>/*]`,
  );
  ack(
    search.setupRole,
    'The setup function is the FGAC master user: it installs the index template, the ISM policy and the role mapping, all under the domain ARN.',
    `AwsSolutions-IAM5[Resource::<${domainId}.Arn>/*]`,
  );
  ack(
    search.domain,
    'CDK creates a CloudWatch Logs resource policy for the domain logs with a custom resource; logs:PutResourcePolicy has no resource-level scoping.',
    'AwsSolutions-IAM5[Resource::*]',
  );
  ack(
    search.domain,
    'The domain is only reachable inside the VPC, from the search-client security group; an IP allowlist adds nothing.',
    'AwsSolutions-OS3',
  );
  ack(
    search.domain,
    'The small default runs three data nodes without dedicated masters to keep cost low; production sizes should add them.',
    'AwsSolutions-OS4',
  );
  providerFramework(search.setupProvider, search.setupFunction);
}

/** The Data API statement actions and the migrations' admin secret. */
function warehouse(storage: StorageStack): void {
  const dataApi =
    'redshift-data DescribeStatement, GetStatementResult and CancelStatement act on statement ids that have no ARN; the Data API only lets the submitting identity use them.';
  ack(storage.aggregatorRole, dataApi, 'AwsSolutions-IAM5[Resource::*]');
  ack(storage.warehouse.migrateFunction, dataApi, 'AwsSolutions-IAM5[Resource::*]');
  ack(storage.warehouse.migrateFunction, 'AWSLambdaBasicExecutionRole grants only CloudWatch Logs writes for this function.', BASIC);
  ack(
    storage.warehouse.adminSecret,
    'The Redshift admin password is used only by the migration custom resource; rotating it would need a rotation function that also updates the namespace.',
    'AwsSolutions-SMG4',
  );
  const staged = `AwsSolutions-IAM5[Resource::<${logicalId(storage.archive.bucket)}.Arn>/${AGGREGATOR_STAGING_PREFIX}*]`;
  ack(
    storage.aggregatorRole,
    `Each batch's rows are staged for COPY under a new random key in ${AGGREGATOR_STAGING_PREFIX}, expired after a day.`,
    staged,
  );
  ack(
    storage.warehouse.copyRole,
    `Redshift reads the rows the aggregator stages under ${AGGREGATOR_STAGING_PREFIX} (random keys) and nothing else.`,
    staged,
  );
}

/** CDK-internal functions: the custom-resource provider framework and the AwsCustomResource singleton. */
function cdkInternals(storage: StorageStack): void {
  providerFramework(storage.warehouse.migrateProvider, storage.warehouse.migrateFunction);
  const singleton = storage.node.tryFindChild('AWS679f53fac002430cb0da5b7982bd2287');
  if (singleton) {
    ack(singleton, 'CDK AwsCustomResource singleton function: AWSLambdaBasicExecutionRole for its logs only.', BASIC);
    ack(singleton, 'CDK AwsCustomResource singleton function runtime is chosen by aws-cdk-lib.', 'AwsSolutions-L1');
  }
}

/** A CDK custom-resource provider framework function in front of `handler`. */
function providerFramework(provider: IConstruct, handler: IConstruct): void {
  const onEvent = provider.node.findChild('framework-onEvent');
  ack(onEvent, 'CDK Provider framework function: AWSLambdaBasicExecutionRole for its logs only.', BASIC);
  ack(
    onEvent,
    'CDK Provider framework function: it invokes the handler function and its versions (<arn>:*).',
    `AwsSolutions-IAM5[Resource::<${logicalId(handler)}.Arn>:*]`,
  );
  ack(onEvent, 'CDK Provider framework function runtime is chosen by aws-cdk-lib.', 'AwsSolutions-L1');
}

/** The collector is a public endpoint for browsers. */
function publicCollector(collector: CollectorStack, storage: StorageStack): void {
  ack(
    at(collector, 'Service/LB/SecurityGroup'),
    'The collector receives events from any browser on the internet: its load balancer must accept 0.0.0.0/0 on the listener port.',
    'AwsSolutions-EC23',
  );
  ack(
    at(collector, 'Service/TaskDef'),
    'The environment holds non-secret settings only (topic names, cluster ARN, limits); there are no credentials: the task role signs MSK IAM tokens.',
    'AwsSolutions-ECS2',
  );
  ack(
    at(collector, 'Service/TaskDef/ExecutionRole'),
    'ecr:GetAuthorizationToken has no resource-level permissions; CDK adds it for pulling the image.',
    'AwsSolutions-IAM5[Resource::*]',
  );
  if (storage.search)
    ack(
      at(collector, 'Service/TaskDef/TaskRole'),
      'ECS Exec (the port-forwarding way into the search domain) needs ssmmessages:Create/OpenControlChannel and Create/OpenDataChannel, which have no resource-level permissions.',
      'AwsSolutions-IAM5[Resource::*]',
    );
}
