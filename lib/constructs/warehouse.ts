/** Redshift Serverless holding the aggregate tables, with the migrations that create them. */
import { CustomResource, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as redshift from 'aws-cdk-lib/aws-redshiftserverless';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LOG_RETENTION } from '../log-retention';
import { nodeFunction } from './node-function';

const ROOT = join(__dirname, '../..');
const MIGRATIONS = join(ROOT, 'sql/migrations');
/** The audit logs the namespace exports to CloudWatch. */
const LOG_EXPORTS = ['userlog', 'connectionlog', 'useractivitylog'] as const;

/** Props of {@link Warehouse}. */
export interface WarehouseProps {
  /** The VPC whose private subnets the workgroup is placed in. */
  readonly vpc: ec2.IVpc;
  /** Roles that write aggregates through the Data API; each gets a database user and the table grants. */
  readonly writerRoles: readonly iam.Role[];
  /** Where the writers stage rows for COPY: the warehouse may list and read this prefix of this bucket, nothing else. */
  readonly copySource: { readonly bucket: s3.IBucket; readonly prefix: string };
  /**
   * Database that holds the tables.
   * @default 'clickstream'
   */
  readonly database?: string;
  /**
   * Base capacity of the workgroup in Redshift Processing Units (8–512, in steps of 8).
   * @default 8
   */
  readonly baseCapacityRpu?: number;
  /**
   * Most RPUs the workgroup may scale to (a multiple of 8, at least the base): a bound on what
   * one busy hour can cost.
   * @default 32
   */
  readonly maxCapacityRpu?: number;
  /**
   * On stack deletion, keep the data as a final snapshot of the namespace (restorable into a new
   * namespace); when false, the namespace and its data are deleted.
   * @default true
   */
  readonly keepData?: boolean;
}

/**
 * A Redshift Serverless namespace and workgroup, private, reached through the Data API only; its
 * admin password in Secrets Manager; and a custom resource that applies `sql/migrations` on every
 * deploy that changes them and creates the writers' database users.
 */
export class Warehouse extends Construct {
  public readonly namespace: redshift.CfnNamespace;
  public readonly workgroup: redshift.CfnWorkgroup;
  /** The admin user's credentials (username and password), used by the migrations. */
  public readonly adminSecret: secretsmanager.Secret;
  /** The database the tables are in. */
  public readonly database: string;
  /** The role the namespace assumes to COPY staged rows (named in each COPY statement). */
  public readonly copyRole: iam.Role;
  /** The function behind the migrations custom resource. */
  public readonly migrateFunction: NodejsFunction;
  /** The custom-resource provider that invokes {@link migrateFunction}. */
  public readonly migrateProvider: cr.Provider;

  constructor(scope: Construct, id: string, props: WarehouseProps) {
    super(scope, id);
    this.database = props.database ?? 'clickstream';
    const stackName = Stack.of(this).stackName.toLowerCase();
    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Redshift Serverless workgroup (reached through the Data API only)',
      allowAllOutbound: false,
    });
    // Our own secret (not manageAdminPassword): CloudFormation exposes no attribute with the managed
    // secret's ARN, and the migrations need one for the Data API. The template holds only a reference.
    this.adminSecret = new secretsmanager.Secret(this, 'Admin', {
      description: 'Redshift Serverless admin user of the clickstream namespace',
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ username: 'clickstream_admin' }),
        generateStringKey: 'password',
        passwordLength: 32,
        excludeCharacters: '"\'@/\\ `',
      },
    });
    this.copyRole = this.copyRoleFor(props.copySource.bucket, props.copySource.prefix);
    const namespaceName = `${stackName}-ns`.replace(/[^a-z0-9-]/g, '-').slice(0, 64);
    // Redshift exports into /aws/redshift/<namespace>/<log type>, using a group of that name when
    // one exists; created here, the groups expire instead of being kept forever.
    const exportLogs = LOG_EXPORTS.map(
      (type) =>
        new logs.LogGroup(this, `${type}Logs`, {
          logGroupName: `/aws/redshift/${namespaceName}/${type}`,
          retention: LOG_RETENTION,
          removalPolicy: RemovalPolicy.DESTROY,
        }),
    );
    this.namespace = new redshift.CfnNamespace(this, 'Namespace', {
      namespaceName,
      dbName: this.database,
      adminUsername: 'clickstream_admin',
      adminUserPassword: this.adminSecret.secretValueFromJson('password').unsafeUnwrap(),
      logExports: [...LOG_EXPORTS],
      iamRoles: [this.copyRole.roleArn],
      // The namespace is deleted with the stack (so `cdk destroy` completes), its data kept as a snapshot.
      ...((props.keepData ?? true) ? { finalSnapshotName: `${namespaceName}-final`, finalSnapshotRetentionPeriod: -1 } : {}),
    });
    for (const group of exportLogs) this.namespace.node.addDependency(group);
    this.workgroup = new redshift.CfnWorkgroup(this, 'Workgroup', {
      workgroupName: `${stackName}-wg`.replace(/[^a-z0-9-]/g, '-').slice(0, 64),
      namespaceName: this.namespace.namespaceName,
      baseCapacity: props.baseCapacityRpu ?? 8,
      maxCapacity: props.maxCapacityRpu ?? 32,
      publiclyAccessible: false,
      enhancedVpcRouting: false,
      subnetIds: props.vpc.selectSubnets({ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }).subnetIds,
      securityGroupIds: [securityGroup.securityGroupId],
    });
    // A literal namespace name creates no reference, so without this the workgroup may be created first.
    this.workgroup.addResourceDependency(this.namespace);
    for (const role of props.writerRoles) this.grantDataApi(role);
    ({ fn: this.migrateFunction, provider: this.migrateProvider } = this.migrations(props.writerRoles));
  }

  /** The custom resource that applies sql/migrations when they change and creates the writers' database users. */
  private migrations(writerRoles: readonly iam.Role[]): { fn: NodejsFunction; provider: cr.Provider } {
    const fn = nodeFunction(this, 'MigrateFunction', {
      entry: join(ROOT, 'lambda/custom-resources/migrate.ts'),
      timeout: Duration.minutes(10),
      environment: { MIGRATIONS_DIR: '/var/task/migrations' },
      copyIntoBundle: { from: MIGRATIONS, to: 'migrations' },
    });
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['redshift-data:ExecuteStatement', 'redshift-data:BatchExecuteStatement'],
        resources: [this.workgroup.attrWorkgroupWorkgroupArn],
      }),
    );
    fn.addToRolePolicy(dataApiStatementAccess());
    this.adminSecret.grantRead(fn);
    const provider = new cr.Provider(this, 'MigrateProvider', { onEventHandler: fn });
    const hash = createHash('sha256');
    for (const f of readdirSync(MIGRATIONS).sort()) hash.update(f).update(readFileSync(join(MIGRATIONS, f)));
    const migrations = new CustomResource(this, 'Migrations', {
      serviceToken: provider.serviceToken,
      properties: {
        WorkgroupName: this.workgroup.workgroupName,
        Database: this.database,
        SecretArn: this.adminSecret.secretArn,
        WriterRoleNames: writerRoles.map((r) => r.roleName),
        MigrationsHash: hash.digest('hex'),
      },
    });
    migrations.node.addDependency(this.workgroup);
    return { fn, provider };
  }

  /**
   * The role Redshift assumes for COPY. A COPY's FROM names a key prefix, which Redshift lists
   * before it reads: ListBucket limited to the prefix, GetObject on it. Roles attached to the
   * namespace are usable by every database user, and this one can read nothing but staged rows.
   */
  private copyRoleFor(bucket: s3.IBucket, prefix: string): iam.Role {
    const role = new iam.Role(this, 'CopyRole', {
      description: 'Assumed by Redshift Serverless to COPY rows the aggregator stages in S3',
      assumedBy: new iam.CompositePrincipal(
        new iam.ServicePrincipal('redshift.amazonaws.com'),
        new iam.ServicePrincipal('redshift-serverless.amazonaws.com'),
      ),
    });
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': [`${prefix}*`] } },
      }),
    );
    role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [bucket.arnForObjects(`${prefix}*`)] }));
    return role;
  }

  /** Lets `role` run statements on the workgroup with its own IAM database user. */
  private grantDataApi(role: iam.Role): void {
    const workgroupArn = this.workgroup.attrWorkgroupWorkgroupArn;
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['redshift-data:ExecuteStatement', 'redshift-data:BatchExecuteStatement'],
        resources: [workgroupArn],
      }),
    );
    role.addToPolicy(new iam.PolicyStatement({ actions: ['redshift-serverless:GetCredentials'], resources: [workgroupArn] }));
    role.addToPolicy(dataApiStatementAccess());
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
