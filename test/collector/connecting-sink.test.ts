import { createServer } from 'node:net';
import type { KafkaSinkConfig } from '../../collector/config';
import { ConnectingSink } from '../../collector/sinks/connecting';
import { openKafkaSink } from '../../collector/sinks/kafka';
import type { Sink } from '../../collector/sinks/sink';
import { waitFor } from '../support/browser';
import { quietLog, startCollector, trackerEvent, type TestCollector } from '../support/collector';

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

describe('a collector whose sink is not reachable at start', () => {
  let c: TestCollector | undefined;
  afterEach(async () => {
    await c?.stop();
    c = undefined;
  });

  it('listens at once, answers /health 503 and events 503 with Retry-After while kafkajs cannot reach the broker', async () => {
    const config: KafkaSinkConfig = {
      type: 'kafka',
      brokers: [`127.0.0.1:${await closedPort()}`],
      clusterArn: '',
      region: '',
      iam: false,
      lingerMs: 5,
    };
    c = await startCollector({}, () => new ConnectingSink(() => openKafkaSink(config), quietLog, { initialMs: 50, maxMs: 200 }));
    const health = await fetch(`${c.url}/health`);
    expect(health.status).toBe(503);
    expect((await health.json()).status).toBe('connecting to the sink');
    const res = await fetch(`${c.url}/collect`, { method: 'POST', body: JSON.stringify([trackerEvent()]) });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(await res.text()).toMatch(/^sink write failed: not connected to the sink yet/);
  });

  it('keeps retrying with backoff and takes events once connected', async () => {
    let attempts = 0;
    let connected: Sink | undefined;
    c = await startCollector({}, (log) => {
      connected = log;
      return new ConnectingSink(
        async () => {
          if (++attempts < 3) throw new Error(`connect ECONNREFUSED (attempt ${attempts})`);
          return connected!;
        },
        quietLog,
        { initialMs: 20, maxMs: 100 },
      );
    });
    await waitFor(
      async () => (await fetch(`${c!.url}/health`)).status,
      (s) => s === 200,
    );
    expect(attempts).toBe(3);
    const res = await fetch(`${c.url}/collect`, { method: 'POST', body: JSON.stringify([trackerEvent()]) });
    expect(res.status).toBe(200);
    expect(await c.events()).toHaveLength(1);
  });
});
