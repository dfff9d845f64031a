/**
 * Identity on Snowplow's web-model fixture, whose "user stitch" and "rotating domain_userid"
 * cases give users several visitor ids: the user ↔ visitor mapping, profiles and user counts,
 * each checked against what the CSV itself says.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { readImport } from '../../cli/importers';
import { applyBatch } from '../../lambda/aggregator/apply';
import { renderQuery } from '../../warehouse/named-queries';
import type { PgliteExecutor } from '../../warehouse/pglite';
import { DATASETS } from '../support/datasets';
import { freshWarehouse, mskBatches, toLog } from '../support/warehouse';

const SNOWPLOW = join(DATASETS, 'snowplow-web-integration-fixture/snowplow_web_events.csv');
const EVERYTHING = { since: '2000-01-01', now: new Date('2030-01-01T00:00:00Z'), includeBots: true };

describe('users and their visitor ids', () => {
  let db: PgliteExecutor;
  const rows = parse(readFileSync(SNOWPLOW, 'utf8'), { columns: true }) as Record<string, string>[];
  const parties = new Map<string, Set<string>>();
  for (const r of rows)
    if (r.user_id && r.domain_userid) parties.set(r.user_id, (parties.get(r.user_id) ?? new Set()).add(r.domain_userid));
  beforeAll(async () => {
    const { events } = await readImport(SNOWPLOW, { format: 'snowplow-csv' });
    db = await freshWarehouse();
    for (const batch of mskBatches(toLog(events), 500)) await applyBatch(db, 'clickstream', batch);
  });
  afterAll(() => db.close());

  it('maps every user to every visitor id it was seen with', async () => {
    const mapped = new Map<string, Set<string>>();
    for (const r of await db.query('SELECT DISTINCT user_id, party_id FROM user_parties'))
      mapped.set(String(r.user_id), (mapped.get(String(r.user_id)) ?? new Set()).add(String(r.party_id)));
    for (const [user, ids] of parties)
      expect([...(mapped.get(user) ?? [])].filter((p) => !p.startsWith('import:')).sort()).toEqual([...ids].sort());
    expect([...parties.values()].some((ids) => ids.size > 1)).toBe(true);
  });

  it('shows each visitor id of a user in the visitor profiles, with the user', async () => {
    const profiles = await db.query(renderQuery('visitor-profiles', EVERYTHING).replace(/LIMIT 50$/, ''));
    const [user, ids] = [...parties].find(([, ids]) => ids.size > 1)!;
    expect(profiles.filter((p) => ids.has(String(p.party_id))).map((p) => p.user_id)).toEqual([...ids].map(() => user));
  });

  it('counts known users apart from anonymous visitors', async () => {
    const [counts] = await db.query(renderQuery('users', EVERYTHING));
    // The importer's visitor id: domain_userid, else network_userid.
    const visitors = new Set(rows.map((r) => r.domain_userid || r.network_userid));
    const identified = new Set(rows.filter((r) => r.user_id).map((r) => r.domain_userid || r.network_userid));
    expect(Number(counts.users)).toBe(new Set(rows.filter((r) => r.user_id).map((r) => r.user_id)).size);
    expect(Number(counts.visitors)).toBe(visitors.size);
    expect(Number(counts.identified_visitors)).toBe(identified.size);
    expect(Number(counts.visitors)).toBe(Number(counts.identified_visitors) + Number(counts.anonymous_visitors));
  });
});
