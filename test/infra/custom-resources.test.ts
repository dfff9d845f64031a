import {
  BatchExecuteStatementCommand,
  DescribeStatementCommand,
  ExecuteStatementCommand,
  GetStatementResultCommand,
  RedshiftDataClient,
} from '@aws-sdk/client-redshift-data';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ensureWriter, handler as migrateHandler } from '../../lambda/custom-resources/migrate';
import type { StatementExecutor } from '../../warehouse/executor';
import { handler as searchSetupHandler } from '../../lambda/custom-resources/search-setup';
import { splitStatements } from '../../warehouse/dialect';
import { readMigrations } from '../../warehouse/migrations';

const redshift = mockClient(RedshiftDataClient);

function cfnEvent(type: 'Create' | 'Update' | 'Delete', props: Record<string, unknown>): CloudFormationCustomResourceEvent {
  return {
    RequestType: type,
    ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:provider',
    ResponseURL: 'https://example.invalid/',
    StackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/ClickstreamStorage/1',
    RequestId: 'r1',
    LogicalResourceId: 'Migrations',
    ResourceType: 'Custom::Migrations',
    ResourceProperties: { ServiceToken: 'x', ...props },
    ...(type === 'Create' ? {} : { PhysicalResourceId: 'clickstream-migrations-clickstream', OldResourceProperties: {} }),
  } as CloudFormationCustomResourceEvent;
}

describe('migration custom resource', () => {
  const props = {
    WorkgroupName: 'wg',
    Database: 'clickstream',
    SecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:admin',
    WriterRoleNames: ['ClickstreamStorage-AggregatorRole-ABC'],
  };
  beforeEach(() => {
    redshift.reset();
    let n = 0;
    redshift.on(ExecuteStatementCommand).callsFake(() => ({ Id: `q${++n}` }));
    redshift.on(BatchExecuteStatementCommand).callsFake(() => ({ Id: `b${++n}` }));
    redshift.on(DescribeStatementCommand).callsFake(({ Id }: { Id: string }) => ({ Status: 'FINISHED', HasResultSet: Id.startsWith('q') }));
    redshift.on(GetStatementResultCommand).resolves({ ColumnMetadata: [{ name: 'usename' }], Records: [] });
  });

  it('applies every migration in one transaction each, as the admin secret, then creates and grants the writer user', async () => {
    const result = await migrateHandler(cfnEvent('Create', props));
    expect(result).toEqual({
      PhysicalResourceId: 'clickstream-migrations-clickstream',
      Data: {
        Applied:
          'V001__raw_events.sql,V002__aggregates.sql,V003__sites_bots_users.sql,V004__aggregate_writer_lock.sql,V005__staging.sql,V006__drop_staging.sql',
      },
    });
    const batches = redshift.commandCalls(BatchExecuteStatementCommand).map((c) => c.args[0].input);
    for (const b of batches) expect(b).toMatchObject({ WorkgroupName: 'wg', Database: 'clickstream', SecretArn: props.SecretArn });
    const migrations = readMigrations();
    const applied = batches.slice(0, migrations.length).map((b) => b.Sqls!);
    const grants = batches[migrations.length].Sqls!;
    migrations.forEach((m, i) => {
      expect(applied[i].slice(0, -1)).toEqual(splitStatements(m.sql)); // Redshift SQL as written, plus the record
      expect(applied[i].at(-1)).toMatch(new RegExp(`^INSERT INTO schema_migrations .*'${m.version}'`));
    });
    expect(grants).toEqual([
      'CREATE USER "IAMR:ClickstreamStorage-AggregatorRole-ABC" PASSWORD DISABLE',
      'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "IAMR:ClickstreamStorage-AggregatorRole-ABC"',
    ]);
    expect(redshift.commandCalls(ExecuteStatementCommand).map((c) => c.args[0].input.Sql)).toContain(
      'GRANT SELECT ON ALL TABLES IN SCHEMA public TO PUBLIC',
    );
  });

  /**
   * Redshift as the migrations see it through the executor: a user catalog that folds names to
   * lower case (Redshift's default, quoted identifiers included) and refuses a second CREATE USER.
   */
  function foldingRedshift(existing: string[]) {
    const users = new Set(existing);
    const executor: StatementExecutor = {
      query: async (sql) => {
        const name = /WHERE LOWER\(usename\) = LOWER\('([^']*)'\)$/.exec(sql)?.[1];
        if (name === undefined) throw new Error(`unexpected query: ${sql}`);
        return [...users].filter((u) => u === name.toLowerCase()).map((usename) => ({ usename }));
      },
      transaction: async (sqls) => {
        for (const sql of sqls) {
          const created = /^CREATE USER "(.*)" PASSWORD DISABLE$/.exec(sql)?.[1];
          const granted = /^GRANT .* TO "(.*)"$/.exec(sql)?.[1];
          if (created !== undefined && users.has(created.toLowerCase()))
            throw new Error(`ERROR: user "${created.toLowerCase()}" already exists`);
          if (created !== undefined) users.add(created.toLowerCase());
          else if (granted === undefined || !users.has(granted.toLowerCase())) throw new Error(`ERROR: user "${granted}" does not exist`);
        }
      },
      close: async () => undefined,
    };
    return { executor, users };
  }

  it('creates a writer user once and grants it again on later deploys, though Redshift stored its name in lower case', async () => {
    const redshiftUsers = foldingRedshift([]);
    await ensureWriter(redshiftUsers.executor, 'ClickstreamStorage-AggregatorRole-ABC');
    expect([...redshiftUsers.users]).toEqual(['iamr:clickstreamstorage-aggregatorrole-abc']);
    await expect(ensureWriter(redshiftUsers.executor, 'ClickstreamStorage-AggregatorRole-ABC')).resolves.toBeUndefined(); // a later deploy with a new migration
    await expect(
      ensureWriter(foldingRedshift(['iamr:clickstreamstorage-aggregatorrole-abc']).executor, 'ClickstreamStorage-AggregatorRole-ABC'),
    ).resolves.toBeUndefined();
  });

  it('does not touch the warehouse on delete (the data outlives the stack)', async () => {
    expect(await migrateHandler(cfnEvent('Delete', props))).toEqual({ PhysicalResourceId: 'clickstream-migrations-clickstream' });
    expect(redshift.calls()).toHaveLength(0);
  });
});

describe('search setup custom resource', () => {
  it('maps the indexer and reader roles (keeping mappings an operator made), installs the template and creates or updates the retention policy', async () => {
    const seen: { method: string; path: string; body: unknown }[] = [];
    let policyExists = false;
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        seen.push({ method: req.method!, path: req.url!, body: body ? JSON.parse(body) : undefined });
        if (req.method === 'GET' && req.url === '/_plugins/_security/api/rolesmapping/opensearch_dashboards_user') {
          res.writeHead(200, { 'Content-Type': 'application/json' }).end(
            JSON.stringify({
              opensearch_dashboards_user: { backend_roles: ['arn:aws:iam::123456789012:role/analysts'], users: ['ada'], hosts: [] },
            }),
          );
          return;
        }
        if (req.method === 'GET' && req.url!.startsWith('/_plugins/_security/api/rolesmapping/')) {
          res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"status":"NOT_FOUND"}');
          return;
        }
        if (req.method === 'GET' && req.url!.startsWith('/_plugins/_ism/policies/')) {
          res
            .writeHead(policyExists ? 200 : 404, { 'Content-Type': 'application/json' })
            .end(JSON.stringify(policyExists ? { _seq_no: 7, _primary_term: 2 } : { error: 'not found' }));
          return;
        }
        res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"acknowledged":true}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const region = process.env.AWS_REGION;
    delete process.env.AWS_REGION; // unsigned requests to the local stand-in
    try {
      const props = {
        Endpoint: endpoint,
        Prefix: 'clickstream',
        RetentionDays: '30',
        WriterRoleArn: 'arn:aws:iam::123456789012:role/indexer',
        ReaderRoleArn: 'arn:aws:iam::123456789012:role/reader',
      };
      await searchSetupHandler(cfnEvent('Create', props));
      expect(seen.map((s) => `${s.method} ${s.path}`)).toEqual([
        'PUT /_plugins/_security/api/roles/clickstream_writer',
        'PUT /_plugins/_security/api/rolesmapping/clickstream_writer',
        'PUT /_plugins/_security/api/roles/clickstream_reader',
        'GET /_plugins/_security/api/rolesmapping/clickstream_reader',
        'PUT /_plugins/_security/api/rolesmapping/clickstream_reader',
        'GET /_plugins/_security/api/rolesmapping/opensearch_dashboards_user',
        'PUT /_plugins/_security/api/rolesmapping/opensearch_dashboards_user',
        'PUT /_index_template/clickstream',
        'PUT /clickstream-*/_mapping',
        'GET /_plugins/_ism/policies/clickstream-retention',
        'PUT /_plugins/_ism/policies/clickstream-retention',
      ]);
      expect(seen[1].body).toEqual({ backend_roles: ['arn:aws:iam::123456789012:role/indexer'] });
      expect(seen[2].body).toEqual({
        cluster_permissions: ['cluster_composite_ops_ro'],
        index_permissions: [{ index_patterns: ['clickstream-*'], allowed_actions: expect.arrayContaining(['read']) }],
      });
      expect(seen[4].body).toEqual({ backend_roles: ['arn:aws:iam::123456789012:role/reader'], users: [], hosts: [] });
      expect(seen[6].body).toEqual({
        backend_roles: ['arn:aws:iam::123456789012:role/analysts', 'arn:aws:iam::123456789012:role/reader'],
        users: ['ada'],
        hosts: [],
      });
      expect(seen[7].body).toMatchObject({ index_patterns: ['clickstream-*'], template: { mappings: { dynamic: 'strict' } } });
      expect(seen[8].body).toEqual({ properties: expect.objectContaining({ site: { type: 'keyword' }, event_id: { type: 'keyword' } }) });
      expect(JSON.stringify(seen[10].body)).toContain('"min_index_age":"30d"');

      seen.length = 0;
      policyExists = true;
      await searchSetupHandler(cfnEvent('Update', { ...props, RetentionDays: '60' }));
      expect(seen[10].path).toBe('/_plugins/_ism/policies/clickstream-retention?if_seq_no=7&if_primary_term=2');
    } finally {
      if (region) process.env.AWS_REGION = region;
      server.close();
    }
  });
});
