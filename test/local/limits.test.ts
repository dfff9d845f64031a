import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocal } from '../../local/mode';
import { quietLog, trackerEvent } from '../support/collector';

describe('local mode', () => {
  it("honours the collector's limit variables from the environment, as the README says", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cs-limits-'));
    process.env.MAX_BODY_BYTES = '2048';
    try {
      const local = await startLocal({ dataDir, port: 0, log: quietLog });
      try {
        const small = await fetch(`${local.url}/collect`, { method: 'POST', body: JSON.stringify([trackerEvent()]) });
        expect(small.status).toBe(200);
        const big = await fetch(`${local.url}/collect`, {
          method: 'POST',
          body: JSON.stringify([trackerEvent({ properties: { blob: 'x'.repeat(3000) } })]),
        });
        expect(big.status).toBe(413);
        expect(await big.text()).toMatch(/over the limit of 2048/);
      } finally {
        await local.stop();
      }
    } finally {
      delete process.env.MAX_BODY_BYTES;
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
