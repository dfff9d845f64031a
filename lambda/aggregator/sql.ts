/**
 * Renders a batch's aggregate SQL for Redshift (also valid Postgres 15+): MERGE for counters
 * and state, anti-join INSERT for memberships (a plain INSERT where every event is a new member:
 * the applied ids, already filtered against `seen_events`), and the offset watermark. The merges read their
 * rows from temporary tables loaded from S3 (AWS, load.ts), local staging (stage.ts), or, where
 * neither exists (an executor without bulk loading), rows inlined as a UNION ALL subquery
 * (Redshift accepts no VALUES list in FROM), chunked so each statement stays under the Data
 * API's 100 KB limit.
 */
import { literal, MAX_STATEMENT_BYTES } from '../../warehouse/literal';
import { unionSources } from '../../warehouse/union';
import type { TableRows } from './aggregate';
import type { PickGroup } from './tables';

function pickCondition(table: string, g: PickGroup): string {
  const op = g.pick === 'min' ? '<' : '>';
  const [t, s] = [`${table}.${g.at}`, `s.${g.at}`];
  return `(${t} IS NULL OR (${s} IS NOT NULL AND (${s} ${op} ${t} OR (${s} = ${t} AND s.${g.id} ${op} ${table}.${g.id}))))`;
}

/** The statements that apply one table's rows, inlined as UNION ALL subqueries under the Data API's size limit. */
export function tableStatements(t: TableRows): string[] {
  return unionSources(t.columns, t.rows, MAX_STATEMENT_BYTES - 2000).map((src) => mergeStatement(t, src));
}

/** The statement that applies one table's rows, read from `src` (a query yielding the table's row columns). */
export function mergeStatement({ spec, columns }: Pick<TableRows, 'spec' | 'columns'>, src: string): string {
  const names = columns.map(([n]) => n);
  const insert = `INSERT (${names.join(', ')}) VALUES (${names.map((n) => `s.${n}`).join(', ')})`;
  const t = spec.table;
  switch (spec.kind) {
    case 'counter': {
      const on = spec.keys.map(([k]) => `${t}.${k} = s.${k}`).join(' AND ');
      const set = spec.counts.map((c) => `${c} = ${t}.${c} + s.${c}`).join(', ');
      return `MERGE INTO ${t} USING (${src}) AS s ON ${on} WHEN MATCHED THEN UPDATE SET ${set} WHEN NOT MATCHED THEN ${insert}`;
    }
    case 'membership': {
      if (spec.distinctPerEvent) return `INSERT INTO ${t} (${names.join(', ')}) SELECT ${names.join(', ')} FROM (${src}) AS s`;
      const on = names.map((n) => `m.${n} = s.${n}`).join(' AND ');
      return `INSERT INTO ${t} (${names.join(', ')}) SELECT ${names.map((n) => `s.${n}`).join(', ')} FROM (${src}) AS s LEFT JOIN ${t} AS m ON ${on} WHERE m.${names[0]} IS NULL`;
    }
    case 'state': {
      const [key] = spec.key;
      const sets = [
        ...spec.sums.map((c) => `${c} = ${t}.${c} + s.${c}`),
        ...spec.groups.flatMap((g) => {
          const cond = pickCondition(t, g);
          return [g.at, g.id, ...g.values.map(([n]) => n)].map((c) => `${c} = CASE WHEN ${cond} THEN s.${c} ELSE ${t}.${c} END`);
        }),
      ];
      return `MERGE INTO ${t} USING (${src}) AS s ON ${t}.${key} = s.${key} WHEN MATCHED THEN UPDATE SET ${sets.join(', ')} WHEN NOT MATCHED THEN ${insert}`;
    }
  }
}

/** Moves the offset watermark of each partition, in the same transaction as the aggregates. */
export function watermarkStatements(topic: string, next: ReadonlyMap<number, number>, now: Date): string[] {
  if (next.size === 0) return [];
  const partitions = [...next.keys()].sort((a, b) => a - b);
  const ts = literal(now.toISOString().replace('T', ' ').replace('Z', ''));
  return [
    `DELETE FROM stream_offsets WHERE topic = ${literal(topic)} AND kafka_partition IN (${partitions.join(', ')})`,
    `INSERT INTO stream_offsets (topic, kafka_partition, next_offset, updated_at) VALUES ${partitions
      .map((p) => `(${literal(topic)}, ${p}, ${next.get(p)}, CAST(${ts} AS TIMESTAMP))`)
      .join(', ')}`,
  ];
}

/** The SQL that reads the watermarks of a topic, with when each was written. */
export function readWatermarksSql(topic: string): string {
  return `SELECT kafka_partition, next_offset, updated_at FROM stream_offsets WHERE topic = ${literal(topic)}`;
}

/** Forgets applied ids older than `days` (by the day they were applied). */
export function pruneSeenEventsSql(now: Date, days: number): string {
  const cutoff = new Date(now.getTime() - days * 86400e3).toISOString().slice(0, 10);
  return `DELETE FROM seen_events WHERE day < CAST(${literal(cutoff)} AS DATE)`;
}

/** Queries for which of `ids` are already in seen_events, chunked under the statement size limit. */
export function seenEventsSql(ids: readonly string[]): string[] {
  const out: string[] = [];
  const per = Math.floor((MAX_STATEMENT_BYTES - 200) / 41);
  for (let i = 0; i < ids.length; i += per) {
    out.push(
      `SELECT event_id FROM seen_events WHERE event_id IN (${ids
        .slice(i, i + per)
        .map(literal)
        .join(', ')})`,
    );
  }
  return out;
}
