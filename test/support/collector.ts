import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCollector, type Collector, type CollectorExtras } from '../../collector/app';
import { loadConfig, type CollectorConfig } from '../../collector/config';
import type { Sink } from '../../collector/sinks/sink';
import { decodeEvent, type BadEvent, type ClickEvent } from '../../contract';
import { DurableLog } from '../../durable-log/log';

export const quietLog = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** A collector on a loopback port over a real durable log in a temporary directory. */
export interface TestCollector {
  url: string;
  collector: Collector;
  log: DurableLog;
  config: CollectorConfig;
  /** Every event on the events topic, all partitions. */
  events(): Promise<ClickEvent[]>;
  /** Every bad event. */
  bad(): Promise<BadEvent[]>;
  stop(): Promise<void>;
}

/** Starts a collector; `wrap` lets a test put a controllable sink around the real log. */
export async function startCollector(
  env: Record<string, string> = {},
  wrap: (sink: Sink) => Sink = (s) => s,
  extras: CollectorExtras = {},
): Promise<TestCollector> {
  const dir = mkdtempSync(join(tmpdir(), 'cs-collector-'));
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', LOCAL_LOG_DIR: dir, SHUTDOWN_DELAY_MS: '0', COOKIE_SECURE: 'false', ...env });
  const log = await DurableLog.open(dir, { [config.topics.events]: 3, [config.topics.bad]: 1 });
  const sink = wrap({ write: (t, r) => log.append(t, r), close: () => log.close() });
  const collector = createCollector(config, sink, quietLog, extras);
  const address = await collector.listen();
  const readAll = async (topic: string) => {
    const out: Buffer[] = [];
    for (let p = 0; p < log.partitionCount(topic); p++) {
      for (const r of await log.read(topic, p, 0, 1_000_000)) out.push(r.value);
    }
    return out;
  };
  return {
    url: `http://127.0.0.1:${address.port}`,
    collector,
    log,
    config,
    events: async () =>
      (await readAll(config.topics.events)).map((v) => {
        const d = decodeEvent(v);
        if (!d.ok) throw new Error(d.reason);
        return d.event;
      }),
    bad: async () => (await readAll(config.topics.bad)).map((v) => JSON.parse(v.toString()) as BadEvent),
    stop: async () => {
      await collector.shutdown().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A valid tracker event as our JSON endpoint receives it. */
export function trackerEvent(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    eventId: crypto.randomUUID(),
    eventType: 'pageView',
    partyId: '0:mhx3k2:party',
    sessionId: '0:mhx3k2:session',
    pageViewId: '0:view1',
    clientTimestamp: '2026-11-22T10:15:30.120Z',
    page: {
      url: 'https://shop.example.com/tea?utm_source=newsletter&utm_medium=email&utm_campaign=winter&gclid=abc',
      title: 'Tea',
      referrer: 'https://www.google.de/search?q=tea',
    },
    screen: { width: 1920, height: 1080, viewportWidth: 1280, viewportHeight: 720 },
    locale: { language: 'en-GB', timeZone: 'Europe/London' },
    ...overrides,
  };
}
