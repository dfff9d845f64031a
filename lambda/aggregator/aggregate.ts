/**
 * In-memory pre-aggregation of a batch: one row per table key, so each key is written once
 * per transaction (Redshift MERGE refuses two source rows for one target row).
 */
import type { ClickEvent } from '../../contract';
import { storable } from '../../warehouse/literal';
import { derive, TABLES, type ColumnDef, type StateTable, type TableSpec, type Value } from './tables';

/** The rows one table receives from a batch, with their column names and types. */
export interface TableRows {
  spec: TableSpec;
  columns: readonly ColumnDef[];
  rows: Value[][];
}

interface Pick {
  at: string;
  id: string;
  values: Value[];
}

/** Columns of a table's rows, in the order {@link aggregate} emits values. */
export function columnsOf(spec: TableSpec): ColumnDef[] {
  switch (spec.kind) {
    case 'counter':
      return [...spec.keys, ...spec.counts.map((c): ColumnDef => [c, 'BIGINT'])];
    case 'membership':
      return [...spec.columns];
    case 'state':
      return [
        spec.key,
        ...spec.sums.map((c): ColumnDef => [c, 'BIGINT']),
        ...spec.groups.flatMap((g): ColumnDef[] => [[g.at, 'TIMESTAMP'], [g.id, 'VARCHAR'], ...g.values]),
      ];
  }
}

interface CounterRow {
  key: Value[];
  totals: number[];
}

interface StateRow {
  sums: number[];
  picks: (Pick | undefined)[];
}

/** Pre-aggregates events (already deduplicated by id) into rows per table; `appliedDay` is today (UTC). */
export function aggregate(events: readonly ClickEvent[], appliedDay: string): TableRows[] {
  const counters = TABLES.map(() => new RowIndex<CounterRow>());
  const members = TABLES.map(() => new RowIndex<Value[]>());
  const distinct = TABLES.map((): Value[][] => []);
  const states = TABLES.map(() => new Map<string, StateRow>());

  // Plain loops and in-place sums: this runs once per event per table (hundreds of thousands
  // of times a second), and garbage that lives for a whole batch is what costs most here.
  for (const e of events) {
    const d = derive(e, appliedDay);
    for (let t = 0; t < TABLES.length; t++) {
      const spec = TABLES[t];
      if (spec.kind === 'counter') {
        const raw = spec.keyOf(d);
        if (!raw) continue;
        const rows = counters[t];
        let row = rows.find(raw);
        if (!row) {
          const key = asStored(raw);
          row = key === raw ? undefined : rows.find(key);
          const found = row ?? { key, totals: new Array<number>(spec.counts.length).fill(0) };
          if (!row) rows.add(key, found);
          if (key !== raw) rows.alias(raw, found);
          row = found;
        }
        spec.add(d, row.totals);
      } else if (spec.kind === 'membership') {
        const m = spec.member(d);
        if (!m) continue;
        if (spec.distinctPerEvent) distinct[t].push(asStored(m));
        else if (!members[t].find(m)) {
          const stored = asStored(m);
          if (stored === m || !members[t].find(stored)) members[t].add(stored, stored);
          if (stored !== m) members[t].alias(m, stored);
        }
      } else {
        const k = spec.keyOf(d); // a session or party id: the id alphabet has nothing to normalise
        let st = states[t].get(k);
        if (!st)
          states[t].set(
            k,
            (st = { sums: new Array<number>(spec.sums.length).fill(0), picks: new Array(spec.groups.length).fill(undefined) }),
          );
        spec.add(d, st.sums);
        for (let i = 0; i < spec.groups.length; i++) {
          const g = spec.groups[i];
          const cur = st.picks[i];
          if (cur && !better(g.pick, d.at, e.eventId, cur)) continue;
          const values = g.from(d);
          if (values) st.picks[i] = { at: d.at, id: e.eventId, values };
        }
      }
    }
  }

  return TABLES.map((spec, t): TableRows => {
    const columns = columnsOf(spec);
    if (spec.kind === 'counter') return { spec, columns, rows: counters[t].rows.map((r) => [...r.key, ...r.totals]) };
    if (spec.kind === 'membership') return { spec, columns, rows: spec.distinctPerEvent ? distinct[t] : members[t].rows };
    const rows = Array.from(states[t], ([key, st]) => stateRow(spec, key, st));
    return { spec, columns, rows };
  }).filter((t) => t.rows.length > 0);
}

/** A state row in {@link columnsOf} order: key, sums, then per group its time, event id and values (NULLs when nothing was picked). */
function stateRow(spec: StateTable, key: string, st: StateRow): Value[] {
  const row: Value[] = [key, ...st.sums];
  for (let i = 0; i < spec.groups.length; i++) {
    const p = st.picks[i];
    if (p) row.push(p.at, p.id, ...p.values);
    else for (let n = spec.groups[i].values.length + 2; n > 0; n--) row.push(null);
  }
  return row;
}

/**
 * Rows by composite key, one nested Map level per key part. Cheaper than joining the parts
 * into one string per event and table: the parts are strings the event already holds, whose
 * hashes V8 computes once and caches, while a joined key is a new string to build and hash.
 */
class RowIndex<R> {
  private readonly root = new Map<Value, unknown>();
  /** Rows in insertion order. */
  readonly rows: R[] = [];

  find(key: readonly Value[]): R | undefined {
    let level: Map<Value, unknown> | undefined = this.root;
    for (let i = 0; i < key.length - 1 && level; i++) level = level.get(key[i]) as Map<Value, unknown> | undefined;
    return level?.get(key[key.length - 1]) as R | undefined;
  }

  /** Makes `key` find an existing row, without listing the row twice. */
  alias(key: readonly Value[], row: R): void {
    this.set(key, row);
  }

  /** Adds a row under a key that {@link find} did not find. */
  add(key: readonly Value[], row: R): void {
    this.set(key, row);
    this.rows.push(row);
  }

  private set(key: readonly Value[], row: R): void {
    let level = this.root;
    for (let i = 0; i < key.length - 1; i++) {
      let next = level.get(key[i]) as Map<Value, unknown> | undefined;
      if (!next) level.set(key[i], (next = new Map()));
      level = next;
    }
    level.set(key[key.length - 1], row);
  }
}

// eslint-disable-next-line no-control-regex -- NUL is one of the characters to find
const MAY_CHANGE = /[\u0000\uD800-\uDFFF]/;

/**
 * Key parts as the warehouse will hold them (see storable): two strings that differ only in a
 * NUL or a lone surrogate are one row there, so they must be one row here too, or MERGE gets two
 * source rows for one target row. The same array when nothing changes (nearly always). Called
 * only when a key is not in the index yet; later events with the raw key find it by an alias.
 */
function asStored(key: Value[]): Value[] {
  let changed = false;
  for (const v of key) if (typeof v === 'string' && MAY_CHANGE.test(v)) changed = true;
  return changed ? key.map((v) => (typeof v === 'string' ? storable(v) : v)) : key;
}

/** True when (at, id) should replace `cur` for a `min` or `max` pick. */
export function better(pick: 'min' | 'max', at: string, id: string, cur: Pick): boolean {
  if (at !== cur.at) return pick === 'min' ? at < cur.at : at > cur.at;
  return pick === 'min' ? id < cur.id : id > cur.id;
}
