/** OpenSearch holding the raw events, searchable, in daily indices with a retention policy. */
import { CustomResource, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as opensearch from 'aws-cdk-lib/aws-opensearchservice';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { join } from 'node:path';
import { lambdaRole } from './lambda-role';
import { nodeFunction } from './node-function';

const ROOT = join(__dirname, '../..');

/** Props of {@link SearchDomain}. */
export interface SearchDomainProps {
  /** The VPC whose private subnets hold the domain (one node per AZ of three). */
  readonly vpc: ec2.IVpc;
  /** The role that writes events (the indexer): it may bulk-index into the event indices only. */
  readonly writerRole: iam.Role;
  /**
   * Instance type of the three data nodes.
   * @default 't3.medium.search'
   */
  readonly instanceType?: string;
  /**
   * EBS volume per data node, in GiB.
   * @default 20
   */
  readonly volumeGiB?: number;
  /**
   * Days a daily index is kept before the retention policy deletes it.
   * @default 30
   */
  readonly retentionDays?: number;
  /**
   * Prefix of the daily indices (`<prefix>-YYYY.MM.DD`).
   * @default 'clickstream'
   */
  readonly indexPrefix?: string;
}

/**
 * A VPC-only OpenSearch domain over three AZs with fine-grained access control, encryption,
 * HTTPS and logs; the service-linked role it needs; and a custom resource that installs the
 * index template (mappings from the contract), the retention policy and the writer's role mapping.
 */
export class SearchDomain extends Construct {
  public readonly domain: opensearch.Domain;
  /** Security group of functions that talk to the domain. */
  public readonly clientSecurityGroup: ec2.SecurityGroup;
  /** The domain's own security group (HTTPS in from search clients). */
  public readonly domainSecurityGroup: ec2.SecurityGroup;
  /**
   * The role people assume to search and use OpenSearch Dashboards: read-only on the event
   * indices, plus Dashboards' own saved objects. Any principal of the account that IAM allows
   * sts:AssumeRole on it may assume it.
   */
  public readonly readerRole: iam.Role;
  /** The fine-grained access control master user: the setup function's role. */
  public readonly setupRole: iam.Role;
  /** The function behind the setup custom resource. */
  public readonly setupFunction: NodejsFunction;
  /** The custom-resource provider that invokes {@link setupFunction}. */
  public readonly setupProvider: cr.Provider;

  constructor(scope: Construct, id: string, props: SearchDomainProps) {
    super(scope, id);
    const prefix = props.indexPrefix ?? 'clickstream';
    this.clientSecurityGroup = new ec2.SecurityGroup(this, 'ClientSecurityGroup', {
      vpc: props.vpc,
      description: 'Functions that write to OpenSearch',
    });
    const domainSg = (this.domainSecurityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'OpenSearch domain: HTTPS from search clients',
      allowAllOutbound: false,
    }));
    this.readerRole = new iam.Role(this, 'ReaderRole', {
      assumedBy: new iam.AccountRootPrincipal(),
      description: 'clickstream search reader: raw events and OpenSearch Dashboards, read-only',
    });
    domainSg.addIngressRule(this.clientSecurityGroup, ec2.Port.tcp(443), 'HTTPS from the indexer and the setup function');
    const serviceLinkedRole = this.serviceLinkedRole();
    this.setupRole = lambdaRole(this, 'SetupRole', true);
    const domainLogs = new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
    this.domain = new opensearch.Domain(this, 'Domain', {
      version: opensearch.EngineVersion.OPENSEARCH_2_19,
      vpc: props.vpc,
      vpcSubnets: [{ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }],
      securityGroups: [domainSg],
      zoneAwareness: { enabled: true, availabilityZoneCount: 3 },
      capacity: { dataNodes: 3, dataNodeInstanceType: props.instanceType ?? 't3.medium.search', multiAzWithStandbyEnabled: false },
      ebs: { volumeSize: props.volumeGiB ?? 20, volumeType: ec2.EbsDeviceVolumeType.GP3 },
      nodeToNodeEncryption: true,
      encryptionAtRest: { enabled: true },
      enforceHttps: true,
      tlsSecurityPolicy: opensearch.TLSSecurityPolicy.TLS_1_2,
      fineGrainedAccessControl: { masterUserArn: this.setupRole.roleArn },
      logging: {
        slowSearchLogEnabled: true,
        slowSearchLogGroup: domainLogs,
        slowIndexLogEnabled: true,
        slowIndexLogGroup: domainLogs,
        appLogEnabled: true,
        appLogGroup: domainLogs,
        auditLogEnabled: true,
        auditLogGroup: domainLogs,
      },
      // Deleted with the stack: a retained domain keeps its network interfaces in the VPC's subnets,
      // so `cdk destroy` would fail; every raw event is also in the S3 archive.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.domain.node.addDependency(serviceLinkedRole);
    // Domain access policy: only our roles; FGAC then decides what each may do inside.
    const http = ['es:ESHttpGet', 'es:ESHttpPut', 'es:ESHttpPost', 'es:ESHttpHead'];
    this.domain.addAccessPolicies(
      new iam.PolicyStatement({
        principals: [props.writerRole.roleArn, this.setupRole.roleArn, this.readerRole.roleArn].map((arn) => new iam.ArnPrincipal(arn)),
        actions: http,
        resources: [`${this.domain.domainArn}/*`],
      }),
    );
    props.writerRole.addToPolicy(
      new iam.PolicyStatement({
        actions: ['es:ESHttpPost', 'es:ESHttpPut', 'es:ESHttpGet', 'es:ESHttpHead'],
        resources: [`${this.domain.domainArn}/_bulk`, `${this.domain.domainArn}/${prefix}-*`, `${this.domain.domainArn}/${prefix}-*/*`],
      }),
    );
    this.setupRole.addToPolicy(new iam.PolicyStatement({ actions: http, resources: [`${this.domain.domainArn}/*`] }));
    // Dashboards reads the event indices and keeps its saved objects in its own index; FGAC limits the rest.
    this.readerRole.addToPolicy(new iam.PolicyStatement({ actions: http, resources: [`${this.domain.domainArn}/*`] }));

    ({ fn: this.setupFunction, provider: this.setupProvider } = this.setup(props, prefix));
  }

  /** The service-linked role a first VPC domain needs; creating it fails when it exists, so that error is ignored. */
  private serviceLinkedRole(): cr.AwsCustomResource {
    const stack = Stack.of(this);
    return new cr.AwsCustomResource(this, 'ServiceLinkedRole', {
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
          resources: [
            `arn:${stack.partition}:iam::${stack.account}:role/aws-service-role/opensearchservice.amazonaws.com/AWSServiceRoleForAmazonOpenSearchService`,
          ],
          conditions: { StringLike: { 'iam:AWSServiceName': 'opensearchservice.amazonaws.com' } },
        }),
      ]),
      installLatestAwsSdk: false,
    });
  }

  /** The custom resource that installs the index template, the retention policy and the writer's and readers' role mappings. */
  private setup(props: SearchDomainProps, prefix: string): { fn: NodejsFunction; provider: cr.Provider } {
    const fn = nodeFunction(this, 'SetupFunction', {
      entry: join(ROOT, 'lambda/custom-resources/search-setup.ts'),
      timeout: Duration.minutes(5),
      role: this.setupRole,
      vpc: props.vpc,
      securityGroups: [this.clientSecurityGroup],
    });
    const provider = new cr.Provider(this, 'SetupProvider', { onEventHandler: fn });
    const setup = new CustomResource(this, 'Setup', {
      serviceToken: provider.serviceToken,
      properties: {
        Endpoint: this.domain.domainEndpoint,
        Prefix: prefix,
        RetentionDays: String(props.retentionDays ?? 30),
        WriterRoleArn: props.writerRole.roleArn,
        ReaderRoleArn: this.readerRole.roleArn,
      },
    });
    setup.node.addDependency(this.domain);
    return { fn, provider };
  }
}
