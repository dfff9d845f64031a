/**
 * Collector configuration from environment variables, validated once at start with errors
 * that name the variable and what it accepts.
 */
import { ConfigError, TOPICS, type Topics } from '../contract';

export { ConfigError };

/** Every setting of the collector. */
export interface CollectorConfig {
  host: string;
  port: number;
  /** Origins allowed for credentialed CORS; `['*']` echoes any origin (never a literal `*`). */
  allowedOrigins: string[];
  /** Domain attribute of the id cookies; empty means the collector's host. */
  cookieDomain: string;
  /** `Secure; SameSite=None` cookies (HTTPS); off only for plain-HTTP local mode. */
  cookieSecure: boolean;
  /** Lifetime of the party id cookie (PARTY_COOKIE_DAYS, 1–730, default 395: the CNIL's 13 months). */
  partyCookieDays: number;
  /** Proxies in front of the collector that append to X-Forwarded-For (1 behind an ALB). */
  trustedProxies: number;
  anonymiseIp: boolean;
  /** Store nothing from requests with `DNT: 1` or `Sec-GPC: 1`. */
  respectDoNotTrack: boolean;
  /** Hosts counted as internal referrers besides the page's own host. */
  internalDomains: string[];
  maxBodyBytes: number;
  maxBatchEvents: number;
  maxHeaderBytes: number;
  /** Events waiting for the sink at once; above it requests get 503. */
  maxBufferedEvents: number;
  /** How long a request waits for the sink before answering 503. */
  sinkTimeoutMs: number;
  /** A request body must arrive within this time; slower ones get 408 (what arrived goes to the bad stream). */
  requestTimeoutMs: number;
  /** Above the ALB idle timeout (60 s), so the ALB never reuses a connection Node has closed. */
  keepAliveTimeoutMs: number;
  /** Time between health going unhealthy on SIGTERM and closing the listener. */
  shutdownDelayMs: number;
  /** Upper bound of the whole graceful shutdown (keep below the Fargate stopTimeout). */
  shutdownTimeoutMs: number;
  /** Print CloudWatch embedded-metric-format lines this often; 0 turns them off. */
  emfIntervalMs: number;
  sink: LocalSinkConfig | KafkaSinkConfig;
  topics: Topics;
}

export interface LocalSinkConfig {
  type: 'local';
  dir: string;
  partitions: number;
}

export interface KafkaSinkConfig {
  type: 'kafka';
  /** Bootstrap brokers given directly; empty when discovered from {@link clusterArn}. */
  brokers: string[];
  clusterArn: string;
  region: string;
  /** Use MSK IAM auth (OAUTHBEARER over TLS). */
  iam: boolean;
  lingerMs: number;
}

type Env = Record<string, string | undefined>;

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max)
    throw new ConfigError(`${name}=${raw}: must be an integer from ${min} to ${max}`);
  return value;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['true', '1', 'yes'].includes(raw)) return true;
  if (['false', '0', 'no'].includes(raw)) return false;
  throw new ConfigError(`${name}=${env[name]}: must be true or false`);
}

function list(env: Env, name: string, fallback: string[]): string[] {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function origins(env: Env): string[] {
  const values = list(env, 'ALLOWED_ORIGINS', ['*']);
  for (const v of values) {
    if (v === '*') continue;
    let url: URL;
    try {
      url = new URL(v);
    } catch {
      throw new ConfigError(`ALLOWED_ORIGINS: "${v}" is not an origin like https://www.example.com`);
    }
    if (url.origin !== v)
      throw new ConfigError(`ALLOWED_ORIGINS: "${v}" is not an origin like https://www.example.com (no path, no trailing slash)`);
  }
  return values;
}

function sink(env: Env): LocalSinkConfig | KafkaSinkConfig {
  const type = env.SINK ?? 'local';
  if (type === 'local') {
    return { type, dir: env.LOCAL_LOG_DIR || '.clickstream/log', partitions: int(env, 'LOCAL_PARTITIONS', 3, 1, 64) };
  }
  if (type === 'kafka') {
    const brokers = list(env, 'KAFKA_BROKERS', []);
    const clusterArn = env.MSK_CLUSTER_ARN ?? '';
    if (brokers.length === 0 && !clusterArn) throw new ConfigError('SINK=kafka needs KAFKA_BROKERS or MSK_CLUSTER_ARN');
    if (clusterArn && !/^arn:aws[a-z-]*:kafka:[a-z0-9-]+:\d{12}:cluster\/[^/]+\/[^/]+$/.test(clusterArn)) {
      throw new ConfigError(`MSK_CLUSTER_ARN=${clusterArn}: is not an MSK cluster ARN`);
    }
    const region = env.AWS_REGION ?? clusterArn.split(':')[3] ?? '';
    const iam = bool(env, 'KAFKA_IAM', true);
    if (iam && !region) throw new ConfigError('KAFKA_IAM=true needs AWS_REGION (or MSK_CLUSTER_ARN) to sign tokens');
    return { type, brokers, clusterArn, region, iam, lingerMs: int(env, 'KAFKA_LINGER_MS', 5, 0, 1000) };
  }
  throw new ConfigError(`SINK=${type}: must be local or kafka`);
}

/** Reads and validates the configuration; throws {@link ConfigError} naming the first bad variable. */
export function loadConfig(env: Env = process.env): CollectorConfig {
  const config: CollectorConfig = {
    host: env.HOST || '0.0.0.0',
    port: int(env, 'PORT', 8290, 0, 65535),
    allowedOrigins: origins(env),
    cookieDomain: env.COOKIE_DOMAIN ?? '',
    cookieSecure: bool(env, 'COOKIE_SECURE', true),
    partyCookieDays: int(env, 'PARTY_COOKIE_DAYS', 395, 1, 730),
    trustedProxies: int(env, 'TRUSTED_PROXIES', 0, 0, 10),
    anonymiseIp: bool(env, 'ANONYMISE_IP', true),
    respectDoNotTrack: bool(env, 'RESPECT_DO_NOT_TRACK', false),
    internalDomains: list(env, 'INTERNAL_DOMAINS', []),
    maxBodyBytes: int(env, 'MAX_BODY_BYTES', 64 * 1024, 1024, 10 * 1024 * 1024),
    maxBatchEvents: int(env, 'MAX_BATCH_EVENTS', 100, 1, 10000),
    maxHeaderBytes: int(env, 'MAX_HEADER_BYTES', 16 * 1024, 1024, 64 * 1024),
    maxBufferedEvents: int(env, 'MAX_BUFFERED_EVENTS', 20000, 1, 10_000_000),
    sinkTimeoutMs: int(env, 'SINK_TIMEOUT_MS', 5000, 1, 120000),
    requestTimeoutMs: int(env, 'REQUEST_TIMEOUT_MS', 30000, 1000, 300000),
    keepAliveTimeoutMs: int(env, 'KEEP_ALIVE_TIMEOUT_MS', 65000, 1000, 4_000_000),
    shutdownDelayMs: int(env, 'SHUTDOWN_DELAY_MS', 2000, 0, 120000),
    shutdownTimeoutMs: int(env, 'SHUTDOWN_TIMEOUT_MS', 25000, 1000, 120000),
    emfIntervalMs: int(env, 'EMF_INTERVAL_MS', 0, 0, 3_600_000),
    sink: sink(env),
    topics: { events: env.KAFKA_TOPIC || TOPICS.events, bad: env.KAFKA_BAD_TOPIC || TOPICS.bad },
  };
  if (config.shutdownDelayMs >= config.shutdownTimeoutMs) {
    throw new ConfigError(`SHUTDOWN_DELAY_MS=${config.shutdownDelayMs}: must be below SHUTDOWN_TIMEOUT_MS=${config.shutdownTimeoutMs}`);
  }
  return config;
}
