/**
 * Local mode: the whole river on one machine. The real collector writes to the durable log
 * (standing in for Kafka, same partitioning and keys); the real processor cores consume it with
 * committed offsets; PGlite holds the warehouse (same migrations) and the searchable raw events;
 * the archive is a folder in the S3 key layout. All state lives in one data folder.
 */
import { join } from 'node:path';
import { createCollector, type Collector, type Log } from '../collector/app';
import { loadConfig } from '../collector/config';
import { encodeBadEvent, TOPICS, type Topics } from '../contract';
import { TrackerScript } from '../collector/tracker-script';
import { folderStore } from '../lambda/shared/object-store';
import { migrate } from '../warehouse/migrations';
import { PgliteExecutor } from '../warehouse/pglite';
import { buildTracker } from '../tracker/build';
import type { LogConsumer } from './consumer';
import type { DurableLog } from '../durable-log/log';
import { createLocalIndexes } from './indexes';
import { appendEvents, openLog, startPipeline } from './pipeline';
import type { WarehouseWorker } from './warehouse-worker';
import { replayLocal } from './replay';
import { forget } from '../privacy/forget';
import { folderSource } from '../replay/object-sources';
import { keepTrimming, retentionHours } from './retention';
import { siteRoutes } from './site-routes';

/** Where and how to run. */
export interface LocalOptions {
  dataDir: string;
  port: number;
  host?: string;
  log: Log;
  /** Collector settings to override (environment-variable names, as in production). */
  env?: Record<string, string>;
}

/** A running local mode. */
export interface LocalMode {
  url: string;
  collector: Collector;
  log: DurableLog;
  /** The warehouse, in its worker thread. */
  db: WarehouseWorker;
  consumers: LogConsumer[];
  topics: Topics;
  stop(): Promise<void>;
}

/** Opens the data folder's log and warehouse in this thread (the commands that run without local mode). */
export async function openData(dataDir: string): Promise<{ log: DurableLog; db: PgliteExecutor; topics: Topics }> {
  const log = await openLog(dataDir);
  const db = await PgliteExecutor.open(join(dataDir, 'warehouse'));
  await migrate(db, 'postgres');
  await createLocalIndexes(db);
  return { log, db, topics: TOPICS };
}

/** Starts local mode; resolves once the collector listens. */
export async function startLocal(options: LocalOptions): Promise<LocalMode> {
  const pipeline = await startPipeline(options.dataDir, (name, err) =>
    options.log.error(`${name} failed; retrying`, { error: err.message }),
  );
  const { log, db, consumers, topics } = pipeline;
  const archive = join(options.dataDir, 'archive');
  for (const d of log.damage) options.log.warn(`log damage: ${d.message}`);
  const stopTrimming = keepTrimming(log, consumers, retentionHours({ ...process.env, ...options.env }), (err) =>
    options.log.error('log retention failed', { error: err.message }),
  );

  // The collector's variables (limits, cookies, privacy) apply as in production; the address,
  // the sink and the topics are local mode's own.
  const config = loadConfig({
    COOKIE_SECURE: 'false',
    SHUTDOWN_DELAY_MS: '0',
    SHUTDOWN_TIMEOUT_MS: '5000',
    ...process.env,
    PORT: String(options.port),
    HOST: options.host ?? '127.0.0.1',
    SINK: 'local',
    KAFKA_TOPIC: topics.events,
    KAFKA_BAD_TOPIC: topics.bad,
    ...options.env,
  });
  const script = TrackerScript.fromFile(buildTracker());
  // The log is shared with the consumers, so the collector must not close it on shutdown.
  const sink = {
    write: (topic: string, records: Parameters<DurableLog['append']>[1]) => log.append(topic, records),
    close: async () => undefined,
  };
  const collector = createCollector(config, sink, options.log, {
    script,
    fallback: siteRoutes({
      db,
      consumers,
      script,
      appendEvents: (events) => appendEvents(log, topics, events),
      appendBad: (bad) => log.append(topics.bad, bad.map(encodeBadEvent)),
      damage: () => log.damage,
      replay: (range) => replayLocal(log, options.dataDir, range),
      forget: (person) => forget({ db, archive: { source: folderSource(archive), store: folderStore(archive) } }, person),
    }),
  });
  const address = await collector.listen();

  return {
    url: `http://${address.address === '::' ? 'localhost' : address.address}:${address.port}`,
    collector,
    log,
    db,
    consumers,
    topics,
    async stop() {
      stopTrimming();
      await collector.shutdown();
      await pipeline.stop();
    },
  };
}
