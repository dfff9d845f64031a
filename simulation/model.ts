/**
 * The latency and fault model of the Redshift Data API stand-in. Every number is a parameter,
 * not a measurement of Redshift: the simulation tells how our code behaves around a warehouse
 * with these properties (round trips, batching, conflicts, retries), not how fast Redshift runs
 * our SQL. See the README's "AWS path (simulated)" section for how to measure the real figures.
 *
 * A statement (ExecuteStatement, or a whole BatchExecuteStatement) goes through:
 * 1. the call's round trip (`callMs`, every API call, polls included);
 * 2. a queue before it starts (half of `latencyMs`): admission, compilation;
 * 3. its SQL texts in order, each really executed on PostgreSQL inside one transaction and each
 *    taking at least `msPerKiB` per KiB of its text, plus `copyMsPerKiB` per KiB of the rows a
 *    COPY loads (PostgreSQL's own time counts toward it), so locks are held from the statement
 *    that takes them, for as long as they would be on the warehouse, and real serialization
 *    conflicts happen as often as the timing allows;
 * 4. the other half of `latencyMs` with the transaction still open (commit), then COMMIT, or an
 *    injected serialization violation (`conflictRate` of transactions), which rolls it back as
 *    Redshift's error 1023 would.
 * Any API call is answered ThrottlingException with probability `throttleRate`; a submission
 * beyond `maxActiveStatements` running statements gets ActiveStatementsExceededException.
 * Phases 2 to 4 vary uniformly by ±20 %.
 */

/** Parameters of the model. */
export interface DataApiModel {
  /** Time a small statement takes from submission to FINISHED beyond its own execution: the "latency per call" of the bench. */
  latencyMs: number;
  /** Added execution time per KiB of SQL text (parsing and planning inlined rows). */
  msPerKiB: number;
  /** Added execution time per KiB of rows a COPY loads (uncompressed): bulk parsing, far cheaper than SQL text. */
  copyMsPerKiB: number;
  /** Round trip of each API call. */
  callMs: number;
  /** Share of API calls answered ThrottlingException (the SDK retries them, then our executor does). */
  throttleRate: number;
  /** Share of transactions aborted with a serialization violation after running, on top of real conflicts. */
  conflictRate: number;
  /** Running statements per workgroup before submissions are refused (200 in AWS's documentation). */
  maxActiveStatements: number;
  /** Random source; seeded for repeatable runs. */
  random: () => number;
}

/** A fast, fault-free model: for tests of the protocol itself. */
export const INSTANT: DataApiModel = {
  latencyMs: 0,
  msPerKiB: 0,
  copyMsPerKiB: 0,
  callMs: 0,
  throttleRate: 0,
  conflictRate: 0,
  maxActiveStatements: 200,
  random: Math.random,
};

/** A repeatable random source in [0, 1) (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const jitter = (model: DataApiModel) => 0.8 + 0.4 * model.random();

/** How long a statement waits before it starts, and how long its transaction stays open after its last SQL text (the commit). */
export function statementTimes(model: DataApiModel): { queueMs: number; commitMs: number } {
  return { queueMs: (model.latencyMs / 2) * jitter(model), commitMs: (model.latencyMs / 2) * jitter(model) };
}

/** The least time one SQL text of `sqlBytes` takes, loading `loadedBytes` of rows if it is a COPY. */
export function textTime(model: DataApiModel, sqlBytes: number, loadedBytes = 0): number {
  return ((sqlBytes / 1024) * model.msPerKiB + (loadedBytes / 1024) * model.copyMsPerKiB) * jitter(model);
}

/** SQLSTATEs of a transaction that lost to a concurrent one: serialization failure, deadlock. */
const LOST_TO_CONCURRENT = new Set(['40001', '40P01']);

/** Redshift's wording of a serialization violation, as the Data API's Error field carries it. */
export function serializationViolation(detail: string): string {
  return `ERROR: 1023 DETAIL: Serializable isolation violation on table in a concurrent transaction (${detail})`;
}

/** A PostgreSQL error as the Data API would word it: Redshift's error 1023 for lost conflicts, `ERROR: <message>` otherwise. */
export function redshiftWording(err: { code?: string; message: string }): string {
  if (err.code && LOST_TO_CONCURRENT.has(err.code)) return serializationViolation(err.message);
  return `ERROR: ${err.message}`;
}
