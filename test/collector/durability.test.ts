import { Gate } from '../support/gate';
import { startCollector, trackerEvent, type TestCollector } from '../support/collector';

async function post(c: TestCollector, eventId: string): Promise<number> {
  const res = await fetch(`${c.url}/collect`, {
    method: 'POST',
    body: JSON.stringify([trackerEvent({ eventId, sessionId: `s-${eventId.slice(0, 4)}` })]),
  });
  await res.arrayBuffer();
  return res.status;
}

describe('durable hand-off', () => {
  it('while the sink stalls and recovers, every event answered 2xx is stored exactly once and memory stays bounded', async () => {
    let gate!: Gate;
    const c = await startCollector({ SINK_TIMEOUT_MS: '150', MAX_BUFFERED_EVENTS: '40' }, (sink) => (gate = new Gate(sink)));
    try {
      const statuses = new Map<string, number>();
      let maxBuffered = 0;
      const watch = setInterval(() => (maxBuffered = Math.max(maxBuffered, c.collector.metrics.buffered)), 5);
      const send = async (n: number) => {
        await Promise.all(
          Array.from({ length: n }, async () => {
            const id = crypto.randomUUID();
            statuses.set(id, await post(c, id));
          }),
        );
      };

      await send(60);
      gate.mode = 'stall';
      const stalled = send(120);
      await new Promise((r) => setTimeout(r, 300));
      expect((await fetch(`${c.url}/health`)).status).toBe(503);
      gate.open();
      await stalled;
      await send(60);
      clearInterval(watch);

      const codes = [...statuses.values()];
      expect(codes.filter((s) => s === 503).length).toBeGreaterThan(0);
      expect(codes.every((s) => s === 200 || s === 503)).toBe(true);
      expect(maxBuffered).toBeLessThanOrEqual(40);
      expect((await fetch(`${c.url}/health`)).status).toBe(200);

      const stored = (await c.events()).map((e) => e.eventId);
      const counts = new Map<string, number>();
      for (const id of stored) counts.set(id, (counts.get(id) ?? 0) + 1);
      for (const [id, status] of statuses) {
        if (status === 200) expect([id, counts.get(id)]).toEqual([id, 1]);
      }
      // Nothing appears that the client never sent, and no event is stored twice.
      expect([...counts.values()].every((n) => n === 1)).toBe(true);
      expect(stored.every((id) => statuses.has(id))).toBe(true);
    } finally {
      await c.stop();
    }
  });

  it('answers 503 with Retry-After while the sink is down, reports unhealthy, and recovers', async () => {
    let gate!: Gate;
    const c = await startCollector({}, (sink) => (gate = new Gate(sink)));
    try {
      gate.mode = 'fail';
      const res = await fetch(`${c.url}/collect`, { method: 'POST', body: JSON.stringify([trackerEvent()]) });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('1');
      expect(await res.text()).toBe('sink write failed: broker unreachable; retry later\n');
      expect(await (await fetch(`${c.url}/health`)).json()).toEqual({ status: 'sink unavailable', buffered: 0 });

      gate.open();
      expect((await fetch(`${c.url}/collect`, { method: 'POST', body: JSON.stringify([trackerEvent()]) })).status).toBe(200);
      expect((await fetch(`${c.url}/health`)).status).toBe(200);
      expect(await c.events()).toHaveLength(1);
    } finally {
      await c.stop();
    }
  });

  it('a bad request is answered 503, not 400, when its bad event cannot be stored', async () => {
    let gate!: Gate;
    const c = await startCollector({}, (sink) => (gate = new Gate(sink)));
    try {
      gate.mode = 'fail';
      expect((await fetch(`${c.url}/collect`, { method: 'POST', body: 'not json' })).status).toBe(503);
    } finally {
      gate.open();
      await c.stop();
    }
  });
});
