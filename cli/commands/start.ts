/** `clickstream start`: local mode in the foreground until Ctrl-C. */
import { startLocal } from '../../local/mode';
import { announce, runningInstance } from '../instance';

/** A log for people: one line per message on stderr. */
export const consoleLog = {
  info: (message: string, ...extra: Record<string, unknown>[]) =>
    process.stderr.write(`${message}${extra.length ? ` ${JSON.stringify(Object.assign({}, ...extra))}` : ''}\n`),
  warn: (message: string, ...extra: Record<string, unknown>[]) =>
    process.stderr.write(`warning: ${message}${extra.length ? ` ${JSON.stringify(Object.assign({}, ...extra))}` : ''}\n`),
  error: (message: string, ...extra: Record<string, unknown>[]) =>
    process.stderr.write(`error: ${message}${extra.length ? ` ${JSON.stringify(Object.assign({}, ...extra))}` : ''}\n`),
};

export async function start(o: { dataDir: string; port: number; host: string }): Promise<void> {
  const other = await runningInstance(o.dataDir);
  if (other) throw new Error(`local mode already runs on ${o.dataDir} at ${other}; stop it first or use another --data-dir`);
  const local = await startLocal({ dataDir: o.dataDir, port: o.port, host: o.host, log: consoleLog });
  const forget = announce(o.dataDir, local.url);
  process.stdout.write(
    [
      '',
      `  clickstream-stack local mode is running (data in ${o.dataDir})`,
      '',
      `  Demo shop:   ${local.url}/`,
      `  Dashboard:   ${local.url}/dashboard`,
      `  Tracker:     <script src="${local.url}/clickstream.js" defer></script>`,
      `  Collector:   POST ${local.url}/collect · GET ${local.url}/p.gif · Snowplow ${local.url}/com.snowplowanalytics.snowplow/tp2`,
      `  Query:       npx clickstream query campaign-now`,
      '',
      '  Ctrl-C stops it; the data stays for the next start.',
      '',
    ].join('\n'),
  );
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    process.stderr.write('stopping…\n');
    await local.stop();
    forget();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}
