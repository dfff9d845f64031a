/** The S3 archive of every event and bad event, and the bucket that holds the stack's access logs. */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { STAGING_PREFIX } from '../../contract/topics';

/** Props of {@link Archive}: the lifecycle of archived objects. */
export interface ArchiveProps {
  /**
   * Days after which archive objects move to S3 Standard-IA.
   * @default 30
   */
  readonly infrequentAccessAfterDays?: number;
  /**
   * Days after which archive objects move to S3 Glacier Instant Retrieval.
   * @default 90
   */
  readonly glacierAfterDays?: number;
  /**
   * Days after which archive objects are deleted.
   * @default 730
   */
  readonly expireAfterDays?: number;
  /**
   * Keep both buckets and their objects when the stack is deleted; when false, deleting the stack
   * empties and deletes them.
   * @default true
   */
  readonly keepData?: boolean;
}

/**
 * Gzip NDJSON of every event under `events/` and every bad event under `bad/` (the layout is
 * lambda/archiver/archive.ts), encrypted, private, TLS-only, with lifecycle tiers; plus the
 * access-log bucket the archive and the collector's load balancer log into. Both outlive the
 * stack unless `keepData` is false.
 */
export class Archive extends Construct {
  /** The archive bucket. */
  public readonly bucket: s3.Bucket;
  /** Server access logs of the archive and the collector's ALB access logs (kept 90 days). */
  public readonly accessLogsBucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: ArchiveProps = {}) {
    super(scope, id);
    const keep = props.keepData ?? true;
    const lifetime = keep ? { removalPolicy: RemovalPolicy.RETAIN } : { removalPolicy: RemovalPolicy.DESTROY, autoDeleteObjects: true };
    this.accessLogsBucket = new s3.Bucket(this, 'AccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED, // ALB access logs need SSE-S3
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      ...lifetime,
    });
    Validations.of(this.accessLogsBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the access-log bucket itself; logging it into itself would loop.',
    });
    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: false,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 'archive/',
      lifecycleRules: [
        // Rows staged for the warehouse's COPY matter for seconds; a day covers any retry.
        { id: 'ExpireStaging', prefix: STAGING_PREFIX, expiration: Duration.days(1) },
        {
          transitions: [
            { storageClass: s3.StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(props.infrequentAccessAfterDays ?? 30) },
            { storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL, transitionAfter: Duration.days(props.glacierAfterDays ?? 90) },
          ],
          expiration: Duration.days(props.expireAfterDays ?? 730),
        },
      ],
      ...lifetime,
    });
  }

  /** Lets `role` put objects whose keys match `pattern` (e.g. `bad/indexer/*`), and nothing else. */
  grantPut(role: iam.IRole, pattern = '*'): void {
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [this.bucket.arnForObjects(pattern)] }));
  }

  /** Lets `role` list and read the archived events (for replay), nothing else. */
  grantReadEvents(role: iam.IRole): void {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [this.bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': ['events/*'] } },
      }),
    );
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [this.bucket.arnForObjects('events/*')] }));
  }
}
