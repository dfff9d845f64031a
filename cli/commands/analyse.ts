/** `clickstream funnel | paths | retention`: event-level analyses on the local warehouse or on Redshift. */
import ora from 'ora';
import { analysis, analysisQuery, type AnalysisName, type AnalysisParams } from '../../warehouse/analyses';
import { formatRows, type OutputFormat } from '../format';
import { runLocally, runOnRedshift, type RedshiftOptions } from './query';

export interface AnalyseOptions extends AnalysisParams, RedshiftOptions {
  format: OutputFormat;
  dataDir: string;
}

export async function analyse(name: AnalysisName, o: AnalyseOptions): Promise<void> {
  const built = analysis(name, o);
  const remote = Boolean(o.workgroup || o.cluster || o.stack);
  const spinner = ora({ text: `running ${name}`, stream: process.stderr, isSilent: !process.stderr.isTTY }).start();
  try {
    const rows = remote
      ? built.report(await runOnRedshift(built.sql, o))
      : await runLocally(`/api/analysis/${name}?${analysisQuery(o)}`, built.sql, o, built.report);
    spinner.stop();
    process.stdout.write(formatRows(rows, o.format));
  } catch (err) {
    spinner.stop();
    throw err;
  }
}
