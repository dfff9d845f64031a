/**
 * Collector entry point (the Fargate container's command): configuration from the
 * environment, the configured sink, signals for graceful shutdown.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { join } from 'node:path';
import { createCollector } from './app';
import { ConfigError, loadConfig } from './config';
import { ConnectingSink } from './sinks/connecting';
import { openKafkaSink } from './sinks/kafka';
import { openLocalSink } from './sinks/local';
import { TrackerScript } from './tracker-script';

async function main(): Promise<void> {
  const log = new Logger({ serviceName: 'clickstream-collector' });
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      log.error(`invalid configuration: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
  const { sink: sinkConfig } = config;
  // Kafka may be unreachable at start (a broker restarting, a security group still being
  // created): listen anyway, unhealthy, and keep connecting in the background.
  const sink =
    sinkConfig.type === 'kafka' ? new ConnectingSink(() => openKafkaSink(sinkConfig), log) : await openLocalSink(sinkConfig, config.topics);
  const script = TrackerScript.fromFile(process.env.TRACKER_SCRIPT ?? join(__dirname, '../tracker/dist/clickstream.min.js'));
  const collector = createCollector(config, sink, log, { script });
  const address = await collector.listen();
  log.info('collector listening', { port: address.port, sink: config.sink.type });

  if (config.emfIntervalMs > 0) {
    let last = { accepted: 0, rejected: 0, unavailable: 0 };
    setInterval(() => {
      process.stdout.write(`${collector.metrics.emf(last)}\n`);
      last = { accepted: collector.metrics.accepted, rejected: collector.metrics.rejected, unavailable: collector.metrics.unavailable };
    }, config.emfIntervalMs).unref();
  }

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('shutting down', { signal });
    collector.shutdown().then(
      () => process.exit(0),
      (err: Error) => {
        log.error('shutdown failed', { error: err.message });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

void main();
