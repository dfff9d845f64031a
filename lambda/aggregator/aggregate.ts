/**
 * In-memory pre-aggregation of a batch: one row per table key, so each key is written once
 * per transaction (Redshift MERGE refuses two source rows for one target row).
 */
import type { ClickEvent } from '../../contract';
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

const SEP = '\u0001';

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

/** Pre-aggregates events (already deduplicated by id) into rows per table. */
export function aggregate(events: readonly ClickEvent[]): TableRows[] {
  const counters = TABLES.map(() => new Map<string, CounterRow>());
  const members = TABLES.map(() => new Map<string, Value[]>());
  const distinct = TABLES.map((): Value[][] => []);
  const states = TABLES.map(() => new Map<string, StateRow>());

  // Plain loops and in-place sums: this runs once per event per table (hundreds of thousands
  // of times a second), and garbage that lives for a whole batch is what costs most here.
  for (const e of events) {
    const d = derive(e);
    for (let t = 0; t < TABLES.length; t++) {
      const spec = TABLES[t];
      if (spec.kind === 'counter') {
        const key = spec.keyOf(d);
        if (!key) continue;
        const k = keyString(key);
        let row = counters[t].get(k);
        if (!row) counters[t].set(k, (row = { key, totals: new Array<number>(spec.counts.length).fill(0) }));
        spec.add(d, row.totals);
      } else if (spec.kind === 'membership') {
        const m = spec.member(d);
        if (!m) continue;
        if (spec.distinctPerEvent) distinct[t].push(m);
        else members[t].set(keyString(m), m);
      } else {
        const k = spec.keyOf(d);
        let st = states[t].get(k);
        if (!st) states[t].set(k, (st = { sums: new Array<number>(spec.sums.length).fill(0), picks: new Array(spec.groups.length).fill(undefined) }));
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
    if (spec.kind === 'counter') return { spec, columns, rows: Array.from(counters[t].values(), (r) => [...r.key, ...r.totals]) };
    if (spec.kind === 'membership') return { spec, columns, rows: spec.distinctPerEvent ? distinct[t] : [...members[t].values()] };
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

/** A map key for a row's key values; a single string value is its own key. */
function keyString(values: Value[]): string {
  return values.length === 1 && typeof values[0] === 'string' ? values[0] : values.join(SEP);
}

/** True when (at, id) should replace `cur` for a `min` or `max` pick. */
export function better(pick: 'min' | 'max', at: string, id: string, cur: Pick): boolean {
  if (at !== cur.at) return pick === 'min' ? at < cur.at : at > cur.at;
  return pick === 'min' ? id < cur.id : id > cur.id;
}
