/**
 * The kinds of aggregate table (counters, memberships, first/last state) and the per-event
 * values every table reads; tables.ts declares the tables themselves.
 */
import { warehouseTime, type ClickEvent } from '../../contract';
import type { ColumnDef } from '../../warehouse/union';

/** A SQL value: strings are escaped by the renderer, null is SQL NULL. */
export type Value = string | number | boolean | null;

export type { ColumnDef };

/** A table of counters added to per key. */
export interface CounterTable {
  kind: 'counter';
  table: string;
  keys: readonly ColumnDef[];
  counts: readonly string[];
  /** The key values an event counts under, or undefined when it does not count here. */
  keyOf(e: Derived): Value[] | undefined;
  /** Adds one event's amounts to a row's totals (in `counts` order), in place: no garbage per event. */
  add(e: Derived, totals: number[]): void;
}

/** A table with one row per distinct member: inserts are idempotent, counts are exact. */
export interface MembershipTable {
  kind: 'membership';
  table: string;
  columns: readonly ColumnDef[];
  member(e: Derived): Value[] | undefined;
  /** Every event yields a different member (events arrive deduplicated by id): no set needed. */
  distinctPerEvent?: true;
}

/** A value chosen by the earliest (`min`) or latest (`max`) event, ties broken by event id. */
export interface PickGroup {
  pick: 'min' | 'max';
  at: string;
  id: string;
  values: readonly ColumnDef[];
  /** Candidate values from one event, or undefined when the event does not take part. */
  from(e: Derived): Value[] | undefined;
}

/** A row per key kept across batches: sums plus first/last picks. */
export interface StateTable {
  kind: 'state';
  table: string;
  key: ColumnDef;
  keyOf(e: Derived): string;
  sums: readonly string[];
  /** Adds one event to the row's sums (in `sums` order), in place. */
  add(e: Derived, sums: number[]): void;
  groups: readonly PickGroup[];
}

export type TableSpec = CounterTable | MembershipTable | StateTable;

/** Per-event values computed once and shared by every table. */
export interface Derived {
  e: ClickEvent;
  /** Normalised received time, `YYYY-MM-DD HH:MM:SS.sss`. */
  at: string;
  hour: string;
  day: string;
  pv: 0 | 1;
  /** The site or app, '' when the event names none. */
  site: string;
  /** True for bots and crawlers: every table splits by it, so queries count people by default. */
  bot: boolean;
  /** The UTC day the warehouse applies the event (`YYYY-MM-DD`): how long its id is remembered. */
  applied: string;
}

/** Derives the shared values of one event. */
export function derive(e: ClickEvent, applied: string): Derived {
  const at = warehouseTime(e.receivedTimestamp);
  return {
    e,
    at,
    hour: `${at.slice(0, 13)}:00:00`,
    day: at.slice(0, 10),
    pv: e.eventType === 'pageView' ? 1 : 0,
    site: e.site ?? '',
    bot: e.device?.isBot === true,
    applied,
  };
}
