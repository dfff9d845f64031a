/**
 * The collector's error catalogue. Every refusal is a typed error carrying its code, its HTTP
 * status and, for a client's mistake, the bad-event failure type: the one error reply
 * (`replies.ts`) maps them to a response and a bad event, so no code guesses one from the other.
 */
import type { FailureType } from '../contract';

/** A request the collector refuses because of what the client sent (HTTP 4xx, and a bad event). */
export class ClientError extends Error {
  constructor(
    /** Stable code for logs and tests, e.g. `CS_TOO_LARGE`. */
    readonly code: string,
    readonly status: number,
    readonly failureType: FailureType,
    message: string,
    /** What was received (bounded by the body limit), kept on the bad-events stream. */
    public payload?: string,
  ) {
    super(message);
    this.name = 'ClientError';
  }
}

/** A body or query the protocol cannot read: 400. */
export class MalformedRequest extends ClientError {
  constructor(message: string, payload?: string) {
    super('CS_MALFORMED', 400, 'protocol_violation', message, payload);
    this.name = 'MalformedRequest';
  }
}

/** A body, batch or nesting over a limit: 413. */
export class TooLarge extends ClientError {
  constructor(message: string, payload?: string) {
    super('CS_TOO_LARGE', 413, 'size_violation', message, payload);
    this.name = 'TooLarge';
  }
}

/** A body that did not arrive within the request timeout: 408 (the part that arrived is kept). */
export class RequestTimedOut extends ClientError {
  constructor(message: string, payload?: string) {
    super('CS_TIMEOUT', 408, 'protocol_violation', message, payload);
    this.name = 'RequestTimedOut';
  }
}

/** The client went away before its body was complete; nobody reads the answer, the bad event stays. */
export class RequestAborted extends ClientError {
  constructor(message: string, payload?: string) {
    super('CS_ABORTED', 400, 'protocol_violation', message, payload);
    this.name = 'RequestAborted';
  }
}

/** The sink cannot take the records now; the client should retry (HTTP 503 with Retry-After). */
export class Unavailable extends Error {
  readonly code = 'CS_UNAVAILABLE';
  readonly status = 503;
  constructor(message: string) {
    super(message);
    this.name = 'Unavailable';
  }
}

/** Runs a parser over a body, attaching the body to any {@link ClientError} it throws. */
export function parsing<T>(body: string, parse: (body: string) => T): T {
  try {
    return parse(body);
  } catch (err) {
    if (err instanceof ClientError) err.payload ??= body;
    throw err;
  }
}
