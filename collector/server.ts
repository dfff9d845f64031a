/**
 * The collector's HTTP server: timeouts, malformed requests Node refuses before any route,
 * and graceful shutdown (unhealthy first, then drain, bounded by the shutdown timeout).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { CollectorConfig } from './config';

/** A server and its shutdown. */
export interface CollectorServer {
  server: Server;
  /** True once {@link shutdown} began. */
  isDraining(): boolean;
  /** Health off, wait, stop accepting, drain in-flight requests, then `closeSink`; bounded by the shutdown timeout. */
  shutdown(closeSink: () => Promise<void>): Promise<void>;
}

/** Creates the server around a request handler. */
export function collectorServer(config: CollectorConfig, handle: (req: IncomingMessage, res: ServerResponse) => void): CollectorServer {
  let draining = false;
  let closing = false;
  const server = createServer(
    {
      maxHeaderSize: config.maxHeaderBytes,
      keepAliveTimeout: config.keepAliveTimeoutMs,
      // The body timer in readBody answers 408 and keeps the bad event; this is Node's backstop.
      requestTimeout: config.requestTimeoutMs + 5000,
    },
    (req, res) => {
      // While closing, answer what arrives on open connections but tell clients to reconnect elsewhere.
      if (closing) res.shouldKeepAlive = false;
      handle(req, res);
    },
  );
  // headersTimeout must exceed keepAliveTimeout or Node closes idle ALB connections early.
  server.headersTimeout = config.keepAliveTimeoutMs + 1000;
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => refuseMalformed(err, socket, config.maxHeaderBytes));
  return {
    server,
    isDraining: () => draining,
    async shutdown(closeSink) {
      draining = true;
      const deadline = Date.now() + config.shutdownTimeoutMs;
      await sleep(config.shutdownDelayMs);
      closing = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const remaining = () => Math.max(0, deadline - Date.now());
      await Promise.race([closed, sleep(remaining())]);
      server.closeAllConnections();
      await Promise.race([closeSink(), sleep(remaining())]);
    },
  };
}

/** Answers what Node's parser refused (oversized headers, bad syntax, header timeout) and closes. */
function refuseMalformed(err: NodeJS.ErrnoException, socket: Socket, maxHeaderBytes: number): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const [status, reason] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? ['431 Request Header Fields Too Large', `request headers exceed ${maxHeaderBytes} bytes\n`]
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? ['408 Request Timeout', 'request not received in time\n']
        : ['400 Bad Request', 'malformed HTTP request\n'];
  socket.end(`HTTP/1.1 ${status}\r\nContent-Type: text/plain\r\nContent-Length: ${reason.length}\r\nConnection: close\r\n\r\n${reason}`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
