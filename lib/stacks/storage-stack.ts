import { AGGREGATOR_STAGING_PREFIX, INDEX_PREFIX } from '../../contract/topics';
import { Stack, type StackProps } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { Archive, type ArchiveProps } from '../constructs/archive';
import { lambdaRole } from '../constructs/lambda-role';
import { SearchDomain } from '../constructs/search-domain';
import { Warehouse } from '../constructs/warehouse';

/** Props of {@link StorageStack}. */
export interface StorageStackProps extends StackProps {
  /** The VPC the warehouse and the search domain are placed in. */
  vpc: ec2.IVpc;
  /** Base capacity of the Redshift Serverless workgroup, in RPUs. */
  redshiftBaseCapacityRpu: number;
  /** Most RPUs the workgroup may scale to. */
  redshiftMaxCapacityRpu: number;
  /** Database that holds the aggregate tables. */
  database: string;
  /** Instance type of the three OpenSearch data nodes. */
  openSearchInstanceType: string;
  /** EBS volume per OpenSearch data node, in GiB. */
  openSearchVolumeGiB: number;
  /** Days a daily index of raw events is kept. */
  retentionDays: number;
  /** Deploy the search domain (and the indexer's role). */
  searchEnabled: boolean;
  /** Lifecycle of the archive's objects. */
  archive: ArchiveProps;
  /** Keep the archive buckets and a final warehouse snapshot when the stack is deleted. */
  keepData: boolean;
}

/**
 * Where events land: Redshift Serverless (aggregates), OpenSearch (raw events, searchable) and
 * S3 (the archive), each a construct. The writer roles of the three processors live here, next
 * to the grants and database users they need, so the processing stack only attaches them.
 */
export class StorageStack extends Stack {
  public readonly archive: Archive;
  public readonly warehouse: Warehouse;
  /** The search domain, unless the warehouse-only profile leaves it out. */
  public readonly search: SearchDomain | undefined;
  public readonly aggregatorRole: iam.Role;
  /** The indexer's role, with the search domain. */
  public readonly indexerRole: iam.Role | undefined;
  public readonly archiverRole: iam.Role;
  /** The replayer's role: it reads archived events (and publishes them, granted in the processing stack). */
  public readonly replayerRole: iam.Role;

  constructor(scope: Construct, id: string, props: StorageStackProps) {
    super(scope, id, props);
    this.aggregatorRole = lambdaRole(this, 'AggregatorRole');
    this.archiverRole = lambdaRole(this, 'ArchiverRole');
    this.replayerRole = lambdaRole(this, 'ReplayerRole', true);

    this.archive = new Archive(this, 'Archive', { ...props.archive, keepData: props.keepData });
    this.archive.grantPut(this.archiverRole);
    // Events a processor cannot store are kept under its own bad/ prefix, never dropped.
    this.archive.grantPut(this.aggregatorRole, 'bad/aggregator/*');
    // The aggregator stages each batch's rows for the warehouse's COPY (lambda/aggregator/load.ts).
    this.archive.grantPut(this.aggregatorRole, `${AGGREGATOR_STAGING_PREFIX}*`);
    this.archive.grantReadEvents(this.replayerRole);

    this.warehouse = new Warehouse(this, 'Warehouse', {
      vpc: props.vpc,
      writerRoles: [this.aggregatorRole],
      copySource: { bucket: this.archive.bucket, prefix: AGGREGATOR_STAGING_PREFIX },
      database: props.database,
      baseCapacityRpu: props.redshiftBaseCapacityRpu,
      maxCapacityRpu: props.redshiftMaxCapacityRpu,
      keepData: props.keepData,
    });
    if (!props.searchEnabled) return;
    this.indexerRole = lambdaRole(this, 'IndexerRole', true);
    this.archive.grantPut(this.indexerRole, 'bad/indexer/*');
    this.search = new SearchDomain(this, 'Search', {
      vpc: props.vpc,
      writerRole: this.indexerRole,
      instanceType: props.openSearchInstanceType,
      volumeGiB: props.openSearchVolumeGiB,
      retentionDays: props.retentionDays,
      indexPrefix: INDEX_PREFIX,
    });
  }
}
