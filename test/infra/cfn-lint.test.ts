/**
 * cfn-lint (AWS's CloudFormation linter, with the resource specifications of every region) on
 * each synthesized template: no errors. It runs where cfn-lint is installed (pip install
 * cfn-lint) and says it skipped elsewhere: Debian has no package for it, so CI may lack it.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { synthApp } from '../support/cdk-app';

const installed = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' }).status === 0;
if (!installed) process.stderr.write('skipping the cfn-lint test: cfn-lint is not installed (pip install cfn-lint)\n');

(installed ? describe : describe.skip)('cfn-lint', () => {
  it('finds no errors in any template', () => {
    const { outdir } = synthApp();
    const templates = readdirSync(outdir).filter((f) => f.endsWith('.template.json'));
    expect(templates).toHaveLength(6);
    const run = spawnSync('cfn-lint', ['--format', 'json', ...templates.map((f) => join(outdir, f))], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    const findings = JSON.parse(run.stdout || '[]') as { Level: string; Rule: { Id: string }; Message: string; Filename: string }[];
    expect(findings.filter((f) => f.Level === 'Error').map((f) => `${f.Rule.Id} ${f.Filename}: ${f.Message}`)).toEqual([]);
  }, 120_000);
});
