/**
 * `clickstream replay` from the archive in local mode, on the public Apache log: a lost
 * warehouse is rebuilt from the archive alone, replaying what is already counted changes
 * nothing, a range replays only the events received in it, and an interrupted replay resumes.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { folderSource } from '../../replay/object-sources';
import { replayArchive } from '../../replay/replay';
import type { ClickEvent } from '../../contract';
import { clickstream } from '../support/cli';
import { APACHE, importApache, withData } from '../support/local-data';
import { dumpAggregates } from '../support/warehouse';

const RANGE = ['--since', '2015-05-17', '--until', '2015-05-21'];

const snapshot = (dir: string) =>
  withData(dir, async (db) => ({
    aggregates: await dumpAggregates(db),
    events: Number((await db.query('SELECT COUNT(*) AS n FROM events'))[0].n),
  }));

function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => relative(dir, join(d.parentPath, d.name)))
    .sort();
}

describe('clickstream replay (local mode, from the archive)', () => {
  const dirs: string[] = [];
  const tmp = () => {
    const d = mkdtempSync(join(tmpdir(), 'cs-replay-'));
    dirs.push(d);
    return d;
  };
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  let original: string;
  let reference: Awaited<ReturnType<typeof snapshot>>;
  beforeAll(async () => {
    original = tmp();
    const run = importApache(original);
    expect(run.stdout).toContain('imported 10000 events');
    reference = await snapshot(original);
  }, 180_000);

  it('rebuilds a lost warehouse from the archive alone: the same aggregates and raw events', async () => {
    const rebuilt = tmp();
    cpSync(join(original, 'archive'), join(rebuilt, 'archive'), { recursive: true });
    const run = clickstream(['replay', ...RANGE, '--data-dir', rebuilt]);
    expect(run.stderr).not.toMatch(/clickstream:/);
    expect(run.stdout).toMatch(/^replayed 10000 archived events from \d+ objects\n$/);
    expect(await snapshot(rebuilt)).toEqual(reference);
  }, 180_000);

  it('changes no count and writes nothing to the archive when what it replays is already stored', async () => {
    const before = files(join(original, 'archive'));
    const run = clickstream(['replay', ...RANGE, '--data-dir', original]);
    expect(run.stdout).toMatch(/^replayed 10000 archived events/);
    expect(await snapshot(original)).toEqual(reference);
    expect(files(join(original, 'archive'))).toEqual(before);
  }, 180_000);

  it('replays only the events received in the range, to the second', async () => {
    const partial = tmp();
    cpSync(join(original, 'archive'), join(partial, 'archive'), { recursive: true });
    // Counted straight from the log file: lines stamped 18 May 2015 from 10:30:00 to 13:59:59.
    const expected = readFileSync(APACHE, 'utf8')
      .split('\n')
      .filter((l) => /\[18\/May\/2015:(10:[3-5]\d|1[1-3]:\d\d):\d\d \+0000\]/.test(l)).length;
    const run = clickstream(['replay', '--since', '2015-05-18T10:30:00Z', '--until', '2015-05-18T14:00:00Z', '--data-dir', partial]);
    expect(run.stdout).toMatch(new RegExp(`^replayed ${expected} archived events`));
    expect((await snapshot(partial)).events).toBe(expected);
  }, 180_000);

  it('resumes after the last object it finished when stopped early, replaying each event once', async () => {
    const source = folderSource(join(original, 'archive'));
    const range = { since: new Date('2015-05-17T00:00:00Z'), until: new Date('2015-05-21T00:00:00Z') };
    const seen: ClickEvent[] = [];
    let calls = 0;
    const first = await replayArchive(source, async (e) => void seen.push(...e), range, { keepGoing: () => calls++ < 3 });
    expect(first.objects).toBe(3);
    expect(first.resumeAfter).toMatch(/^events\/dt=2015-05-17\/hr=\d\d\/clickstream-\d-\d{12}\.ndjson\.gz$/);
    const rest = await replayArchive(source, async (e) => void seen.push(...e), range, { resumeAfter: first.resumeAfter });
    expect(rest.resumeAfter).toBeUndefined();
    expect(seen).toHaveLength(10000);
    expect(new Set(seen.map((e) => e.eventId)).size).toBe(10000);
  });

  it('names the problem when the range or the source is wrong', () => {
    expect(clickstream(['replay', '--since', '2015-05-18', '--until', '2015-05-17']).stderr).toMatch(
      /clickstream: --until \(2015-05-17T00:00:00.000Z\) must be after --since/,
    );
    expect(clickstream(['replay', '--since', 'yesterday']).stderr).toMatch(/clickstream: --since "yesterday": use a duration/);
    expect(clickstream(['replay', '--failed']).stderr).toMatch(
      /clickstream: --failed reads the failure topic of a deployed stack: add --stack/,
    );
    expect(clickstream(['replay']).stderr).toMatch(/clickstream: say what to replay/);
    expect(clickstream(['replay', '--since', '2014-01-01', '--until', '2015-01-01']).stderr).toMatch(/replay at most 2208/);
  });
});
