import { CustomResource, Duration, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as opensearch from 'aws-cdk-lib/aws-opensearchservice';
import * as redshift from 'aws-cdk-lib/aws-redshiftserverless';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as cr from 'aws-cdk-lib/custom-resources';
import type { Construct } from 'constructs';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { nodeFunction } from '../constructs/node-function';

const ROOT = join(__dirname, '../..');

/** Props of {@link StorageStack}. */
export interface StorageStackProps extends StackProps {
  vpc: ec2.IVpc;
  redshiftBaseCapacityRpu: number;
  database: string;
  openSearchInstanceType: string;
  openSearchVolumeGiB: number;
  retentionDays: number;
  archive: { infrequentAccessAfterDays: number; glacierAfterDays: number; expireAfterDays: number };
}

/** Prefix of the daily raw-event indices. */
export const INDEX_PREFIX = 'clickstream';

/**
 * Where events land: Redshift Serverless (aggregates), OpenSearch (raw events, searchable) and
 * S3 (the archive). The writer roles of the three processors live here, next to the grants and
 * database users they need, so the processing stack only attaches them to functions.
 */
export class StorageStack extends Stack {
  public readonly archiveBucket: s3.Bucket;
  public readonly accessLogsBucket: s3.Bucket;
  public readonly namespace: redshift.CfnNamespace;
  /** The admin user's credentials (username and password), used by the migrations. */
  public readonly adminSecret: secretsmanager.Secret;
  public readonly workgroup: redshift.CfnWorkgroup;
  public readonly domain: opensearch.Domain;
  /** Security group of functions that talk to the OpenSearch domain. */
  public readonly searchClientSecurityGroup: ec2.SecurityGroup;
  public readonly aggregatorRole: iam.Role;
  public readonly indexerRole: iam.Role;
  public readonly archiverRole: iam.Role;

  constructor(scope: Construct, id: string, props: StorageStackProps) {
    super(scope, id, props);
    const lambdaRole = (name: string, vpc = false) =>
      new iam.Role(this, name, {
        assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
        description: `clickstream ${name}`,
        managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName(vpc ? 'service-role/AWSLambdaVPCAccessExecutionRole' : 'service-role/AWSLambdaBasicExecutionRole')],
      });
    this.aggregatorRole = lambdaRole('AggregatorRole');
    this.indexerRole = lambdaRole('IndexerRole', true);
    this.archiverRole = lambdaRole('ArchiverRole');

    // --- S3 archive ------------------------------------------------------------------------
    this.accessLogsBucket = new s3.Bucket(this, 'AccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED, // ALB access logs need SSE-S3
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.accessLogsBucket).acknowledge({ id: 'AwsSolutions-S1', reason: 'This is the access-log bucket itself; logging it into itself would loop.' });
    this.archiveBucket = new s3.Bucket(this, 'Archive', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: false,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 'archive/',
      lifecycleRules: [
        {
          transitions: [
            { storageClass: s3.StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(props.archive.infrequentAccessAfterDays) },
            { storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL, transitionAfter: Duration.days(props.archive.glacierAfterDays) },
          ],
          expiration: Duration.days(props.archive.expireAfterDays),
        },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.archiverRole.addToPolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [this.archiveBucket.arnForObjects('*')] }));
    // Events a processor cannot store are kept under its own bad/ prefix, never dropped.
    this.indexerRole.addToPolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [this.archiveBucket.arnForObjects('bad/indexer/*')] }));
    this.aggregatorRole.addToPolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [this.archiveBucket.arnForObjects('bad/aggregator/*')] }));

    // --- Redshift Serverless -----------------------------------------------------------------
    const warehouseSg = new ec2.SecurityGroup(this, 'WarehouseSecurityGroup', { vpc: props.vpc, description: 'Redshift Serverless workgroup (reached through the Data API only)', allowAllOutbound: false });
    // Our own secret (not manageAdminPassword): CloudFormation exposes no attribute with the managed
    // secret's ARN, and the migrations need one for the Data API. The template holds only a reference.
    this.adminSecret = new secretsmanager.Secret(this, 'WarehouseAdmin', {
      description: 'Redshift Serverless admin user of the clickstream namespace',
      generateSecretString: { secretStringTemplate: JSON.stringify({ username: 'clickstream_admin' }), generateStringKey: 'password', passwordLength: 32, excludeCharacters: '"\'@/\\ `' },
    });
    this.namespace = new redshift.CfnNamespace(this, 'Namespace', {
      namespaceName: `${this.stackName.toLowerCase()}-ns`.replace(/[^a-z0-9-]/g, '-').slice(0, 64),
      dbName: props.database,
      adminUsername: 'clickstream_admin',
      adminUserPassword: this.adminSecret.secretValueFromJson('password').unsafeUnwrap(),
      logExports: ['userlog', 'connectionlog', 'useractivitylog'],
    });
    this.workgroup = new redshift.CfnWorkgroup(this, 'Workgroup', {
      workgroupName: `${this.stackName.toLowerCase()}-wg`.replace(/[^a-z0-9-]/g, '-').slice(0, 64),
      namespaceName: this.namespace.namespaceName,
      baseCapacity: props.redshiftBaseCapacityRpu,
      publiclyAccessible: false,
      enhancedVpcRouting: false,
      subnetIds: props.vpc.selectSubnets({ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }).subnetIds,
      securityGroupIds: [warehouseSg.securityGroupId],
    });
    // A literal namespace name creates no reference, so without this the workgroup may be created first.
    this.workgroup.addResourceDependency(this.namespace);
    const workgroupArn = this.workgroup.attrWorkgroupWorkgroupArn;
    const adminSecretArn = this.adminSecret.secretArn;
    this.aggregatorRole.addToPolicy(
      new iam.PolicyStatement({ actions: ['redshift-data:ExecuteStatement', 'redshift-data:BatchExecuteStatement'], resources: [workgroupArn] }),
    );
    this.aggregatorRole.addToPolicy(new iam.PolicyStatement({ actions: ['redshift-serverless:GetCredentials'], resources: [workgroupArn] }));
    this.aggregatorRole.addToPolicy(dataApiStatementAccess());
    this.migrate(workgroupArn, adminSecretArn, props.database);

    // --- OpenSearch -------------------------------------------------------------------------
    this.searchClientSecurityGroup = new ec2.SecurityGroup(this, 'SearchClientSecurityGroup', { vpc: props.vpc, description: 'Functions that write to OpenSearch' });
    const domainSg = new ec2.SecurityGroup(this, 'SearchSecurityGroup', { vpc: props.vpc, description: 'OpenSearch domain: HTTPS from search clients', allowAllOutbound: false });
    domainSg.addIngressRule(this.searchClientSecurityGroup, ec2.Port.tcp(443), 'HTTPS from the indexer and the setup function');
    const serviceLinkedRole = new cr.AwsCustomResource(this, 'OpenSearchServiceLinkedRole', {
      // A first VPC domain fails without this role; creating it fails when it exists, so that error is ignored.
      onCreate: {
        service: 'IAM',
        action: 'createServiceLinkedRole',
        parameters: { AWSServiceName: 'opensearchservice.amazonaws.com' },
        physicalResourceId: cr.PhysicalResourceId.of('AWSServiceRoleForAmazonOpenSearchService'),
        ignoreErrorCodesMatching: 'InvalidInput',
      },
      policy: cr.AwsCustomResourcePolicy.fromStatements([
        new iam.PolicyStatement({
          actions: ['iam:CreateServiceLinkedRole'],
          resources: [`arn:${this.partition}:iam::${this.account}:role/aws-service-role/opensearchservice.amazonaws.com/AWSServiceRoleForAmazonOpenSearchService`],
          conditions: { StringLike: { 'iam:AWSServiceName': 'opensearchservice.amazonaws.com' } },
        }),
      ]),
      installLatestAwsSdk: false,
    });
    const setupRole = lambdaRole('SearchSetupRole', true);
    const slowLogs = new logs.LogGroup(this, 'SearchLogs', { retention: logs.RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
    this.domain = new opensearch.Domain(this, 'Search', {
      version: opensearch.EngineVersion.OPENSEARCH_2_19,
      vpc: props.vpc,
      vpcSubnets: [{ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }],
      securityGroups: [domainSg],
      zoneAwareness: { enabled: true, availabilityZoneCount: 3 },
      capacity: { dataNodes: 3, dataNodeInstanceType: props.openSearchInstanceType, multiAzWithStandbyEnabled: false },
      ebs: { volumeSize: props.openSearchVolumeGiB, volumeType: ec2.EbsDeviceVolumeType.GP3 },
      nodeToNodeEncryption: true,
      encryptionAtRest: { enabled: true },
      enforceHttps: true,
      tlsSecurityPolicy: opensearch.TLSSecurityPolicy.TLS_1_2,
      fineGrainedAccessControl: { masterUserArn: setupRole.roleArn },
      logging: { slowSearchLogEnabled: true, slowSearchLogGroup: slowLogs, slowIndexLogEnabled: true, slowIndexLogGroup: slowLogs, appLogEnabled: true, appLogGroup: slowLogs, auditLogEnabled: true, auditLogGroup: slowLogs },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.domain.node.addDependency(serviceLinkedRole);
    // Domain access policy: only our roles; FGAC then decides what each may do inside.
    this.domain.addAccessPolicies(
      new iam.PolicyStatement({
        principals: [new iam.ArnPrincipal(this.indexerRole.roleArn), new iam.ArnPrincipal(setupRole.roleArn)],
        actions: ['es:ESHttpGet', 'es:ESHttpPut', 'es:ESHttpPost', 'es:ESHttpHead'],
        resources: [`${this.domain.domainArn}/*`],
      }),
    );
    this.indexerRole.addToPolicy(
      new iam.PolicyStatement({
        actions: ['es:ESHttpPost', 'es:ESHttpPut', 'es:ESHttpGet', 'es:ESHttpHead'],
        resources: [`${this.domain.domainArn}/_bulk`, `${this.domain.domainArn}/${INDEX_PREFIX}-*`, `${this.domain.domainArn}/${INDEX_PREFIX}-*/*`],
      }),
    );
    setupRole.addToPolicy(new iam.PolicyStatement({ actions: ['es:ESHttpGet', 'es:ESHttpPut', 'es:ESHttpPost', 'es:ESHttpHead'], resources: [`${this.domain.domainArn}/*`] }));
    this.setupSearch(setupRole, props);
  }

  /** The custom resource that applies the SQL migrations and grants the aggregator its user. */
  private migrate(workgroupArn: string, adminSecretArn: string, database: string): void {
    const fn = nodeFunction(this, 'MigrateFunction', {
      entry: join(ROOT, 'lambda/custom-resources/migrate.ts'),
      timeout: Duration.minutes(10),
      environment: { MIGRATIONS_DIR: '/var/task/migrations' },
      copyIntoBundle: { from: join(ROOT, 'sql/migrations'), to: 'migrations' },
    });
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['redshift-data:ExecuteStatement', 'redshift-data:BatchExecuteStatement'], resources: [workgroupArn] }));
    fn.addToRolePolicy(dataApiStatementAccess());
    this.adminSecret.grantRead(fn);
    const provider = new cr.Provider(this, 'MigrateProvider', { onEventHandler: fn });
    const migrations = readdirSync(join(ROOT, 'sql/migrations')).sort();
    const hash = createHash('sha256');
    for (const f of migrations) hash.update(f).update(readFileSync(join(ROOT, 'sql/migrations', f)));
    const resource = new CustomResource(this, 'Migrations', {
      serviceToken: provider.serviceToken,
      properties: {
        WorkgroupName: this.workgroup.workgroupName,
        Database: database,
        SecretArn: adminSecretArn,
        WriterRoleNames: [this.aggregatorRole.roleName],
        MigrationsHash: hash.digest('hex'),
      },
    });
    resource.node.addDependency(this.workgroup);
  }

  /** The custom resource that installs the index template, the retention policy and the role mapping. */
  private setupSearch(role: iam.Role, props: StorageStackProps): void {
    const fn = nodeFunction(this, 'SearchSetupFunction', {
      entry: join(ROOT, 'lambda/custom-resources/search-setup.ts'),
      timeout: Duration.minutes(5),
      role,
      vpc: props.vpc,
      securityGroups: [this.searchClientSecurityGroup],
    });
    const provider = new cr.Provider(this, 'SearchSetupProvider', { onEventHandler: fn });
    const resource = new CustomResource(this, 'SearchSetup', {
      serviceToken: provider.serviceToken,
      properties: { Endpoint: this.domain.domainEndpoint, Prefix: INDEX_PREFIX, RetentionDays: String(props.retentionDays), WriterRoleArn: this.indexerRole.roleArn },
    });
    resource.node.addDependency(this.domain);
  }
}

/**
 * Describe/Get/Cancel act on statement ids, which have no ARN: the Data API only authorizes
 * them for the identity that submitted the statement, so `*` here grants no access to others' work.
 */
function dataApiStatementAccess(): iam.PolicyStatement {
  return new iam.PolicyStatement({
    actions: ['redshift-data:DescribeStatement', 'redshift-data:GetStatementResult', 'redshift-data:CancelStatement'],
    resources: ['*'],
  });
}

