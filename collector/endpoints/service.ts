/** Operational endpoints: health for the load balancer, metrics for Prometheus. */
import { send, sendJson } from '../http';
import type { Endpoint } from './context';

/** `GET /health`: 200 while the sink takes writes and no shutdown began, 503 otherwise. */
export const health: Endpoint = ({ res }, { handoff, metrics, isDraining }) => {
  const draining = isDraining();
  const ok = !draining && handoff.isHealthy();
  const status = ok ? 'ok' : draining ? 'draining' : handoff.isConnecting() ? 'connecting to the sink' : 'sink unavailable';
  sendJson(res, ok ? 200 : 503, { status, buffered: metrics.buffered });
};

/** `GET /metrics`: Prometheus text format. */
export const prometheus: Endpoint = ({ res }, { metrics }) => {
  send(res, 200, metrics.prometheus(), { 'Content-Type': 'text/plain; version=0.0.4' });
};
