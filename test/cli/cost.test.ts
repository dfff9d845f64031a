import { DEFAULT_CONFIG } from '../../lib/config-settings';
import { costTable } from '../../lib/cost';
import { clickstream } from '../support/cli';

describe('clickstream cost', () => {
  it('prints the cost model for the rates asked, with the settings of cdk.json', () => {
    const run = clickstream(['cost', '--rates', '10,250']);
    expect(run.status).toBe(0);
    // The repository's cdk.json sets only region and AZs: the model equals the defaults'.
    expect(run.stdout.trim()).toBe(costTable(DEFAULT_CONFIG, [10, 250]));
  });

  it('names the problem with a bad rate', () => {
    const run = clickstream(['cost', '--rates', '10,-1']);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("option '--rates <list>' argument '10,-1' is invalid. must be positive numbers separated by commas");
  });
});
