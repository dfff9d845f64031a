/** Credentialed CORS: the request's Origin is echoed when allowed, never `*`. */
import type { IncomingMessage } from 'node:http';

/** CORS headers for a request, empty when it has no Origin or the origin is not allowed. */
export function corsHeaders(req: IncomingMessage, allowedOrigins: readonly string[]): Record<string, string> {
  const origin = req.headers.origin;
  if (!origin || origin === 'null') return {};
  if (!allowedOrigins.includes('*') && !allowedOrigins.includes(origin)) return {};
  return { 'Access-Control-Allow-Origin': origin, 'Access-Control-Allow-Credentials': 'true', Vary: 'Origin' };
}

/** Headers for an OPTIONS preflight. */
export function preflightHeaders(req: IncomingMessage, allowedOrigins: readonly string[]): Record<string, string> {
  const base = corsHeaders(req, allowedOrigins);
  if (!base['Access-Control-Allow-Origin']) return base;
  return {
    ...base,
    'Access-Control-Allow-Methods': 'POST, GET, OPTIONS',
    'Access-Control-Allow-Headers': 'Content-Type, SP-Anonymous',
    'Access-Control-Max-Age': '3600',
  };
}
