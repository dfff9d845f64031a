import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_CONFIG } from '../../lib/config-settings';
import { costModel, costTable } from '../../lib/cost';

const line = (rate: number, config = DEFAULT_CONFIG) => Object.fromEntries(costModel(config, rate).map((l) => [l.part, l.monthly]));

describe('cost model', () => {
  it('is the table the README shows', () => {
    const readme = readFileSync(join(__dirname, '../../README.md'), 'utf8');
    const shown = readme
      .slice(readme.indexOf('<!-- cost-table'), readme.indexOf('<!-- /cost-table -->'))
      .split('\n')
      .slice(1)
      .join('\n')
      .trim();
    expect(shown).toBe(costTable(DEFAULT_CONFIG, [10, 100, 1000]));
  });

  it('moves each line with the settings it names', () => {
    const base = line(10);
    expect(line(10, { ...DEFAULT_CONFIG, msk: { ...DEFAULT_CONFIG.msk, instanceType: 'kafka.m7g.xlarge' } })['MSK brokers']).toBe(
      2 * base['MSK brokers'],
    );
    expect(line(10, { ...DEFAULT_CONFIG, redshift: { ...DEFAULT_CONFIG.redshift, baseCapacityRpu: 8 } })['Redshift Serverless']).toBe(
      2 * base['Redshift Serverless'],
    );
    expect(line(10, { ...DEFAULT_CONFIG, collector: { ...DEFAULT_CONFIG.collector, wafRateLimit: 0 } }).WAF).toBe(0);
    expect(line(10, { ...DEFAULT_CONFIG, natGateways: 3 })['NAT gateways']).toBe(3 * base['NAT gateways']);
  });

  // Redshift Serverless bills at least 60 s each time it wakes: a short window keeps it awake.
  it('keeps Redshift awake around the clock with a short warehouse window, and lets it sleep with a long one at low rates', () => {
    const always = 4 * 0.375 * 730;
    expect(
      line(10, { ...DEFAULT_CONFIG, processing: { ...DEFAULT_CONFIG.processing, warehouseWindowSeconds: 1 } })['Redshift Serverless'],
    ).toBe(Math.round(always));
    expect(line(10)['Redshift Serverless']).toBeLessThan(always * 0.7);
    expect(line(1000)['Redshift Serverless']).toBe(Math.round(always));
  });

  it('sizes the search volumes for the rate, as synth would require', () => {
    expect(line(1000)['OpenSearch (volumes sized for the rate)']).toBeGreaterThan(4 * line(10)['OpenSearch (volumes sized for the rate)']);
  });

  it('costs no search domain, fewer pollers and no indexer in the warehouse-only profile', () => {
    const warehouseOnly = line(100, { ...DEFAULT_CONFIG, openSearch: { ...DEFAULT_CONFIG.openSearch, enabled: false } });
    expect(warehouseOnly['OpenSearch (volumes sized for the rate)']).toBe(0);
    expect(warehouseOnly['Lambda compute']).toBeLessThan(line(100)['Lambda compute']);
    expect(warehouseOnly['MSK partition metrics']).toBeLessThan(line(100)['MSK partition metrics']);
  });

  it('names the setting when it has no price for an instance type', () => {
    expect(() => costModel({ ...DEFAULT_CONFIG, msk: { ...DEFAULT_CONFIG.msk, instanceType: 'kafka.m7g.24xlarge' } }, 10)).toThrow(
      'no list price in the cost model for msk.instanceType "kafka.m7g.24xlarge"',
    );
  });
});
