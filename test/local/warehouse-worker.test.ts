/**
 * The warehouse worker queues the batches the aggregator's consumer hands it ahead: in order, and
 * a batch behind one that failed fails without running, so no watermark ever moves past records
 * that were not applied.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TOPICS } from '../../contract';
import { toMskEvent } from '../../lambda/shared/msk-event';
import { WarehouseWorker } from '../../local/warehouse-worker';
import { streamsetsEvents } from '../support/datasets';
import { toLog } from '../support/warehouse';

describe('warehouse worker', () => {
  it('runs a batch handed over behind another only if that one succeeded', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cs-worker-'));
    const worker = await WarehouseWorker.open(dir);
    try {
      const log = toLog(streamsetsEvents().slice(0, 40), TOPICS.events);
      const first = toMskEvent(log.slice(0, 20));
      const broken = structuredClone(first);
      // A record the decoder cannot even read: the whole batch fails, as when the warehouse is down.
      Object.values(broken.records)[0][0].value = 42 as unknown as string;
      const second = toMskEvent(log.slice(20));
      const counted = async () => Number((await worker.query('SELECT count(*) AS n FROM seen_events'))[0].n);

      const failing = worker.handle('aggregator', broken);
      const behind = worker.handle('aggregator', second);
      await expect(failing).rejects.toThrow();
      await expect(behind).rejects.toThrow();
      expect(await counted()).toBe(0);
      expect(await worker.query('SELECT * FROM stream_offsets')).toEqual([]);

      // Handed over again from the first, both apply, in order.
      const again = [worker.handle('aggregator', first), worker.handle('aggregator', second)];
      await Promise.all(again);
      expect(await counted()).toBe(40);
    } finally {
      await worker.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('fails requests once the worker is gone, instead of leaving them waiting', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cs-worker-'));
    try {
      const worker = await WarehouseWorker.open(dir);
      await worker.close();
      await expect(worker.query('SELECT 1')).rejects.toThrow('the warehouse worker exited');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
