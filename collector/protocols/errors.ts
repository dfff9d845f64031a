/** A request the collector refuses, with the HTTP status and a reason the client can act on. */
export class RequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** What was received, kept on the bad-events stream. */
    public payload?: string,
  ) {
    super(message);
  }
}

/** Runs a parser over a body, attaching the body to any {@link RequestError} it throws. */
export function parsing<T>(body: string, parse: (body: string) => T): T {
  try {
    return parse(body);
  } catch (err) {
    if (err instanceof RequestError) err.payload ??= body;
    throw err;
  }
}
