/**
 * Rows inlined as SQL: a UNION ALL subquery (Redshift accepts no VALUES list in FROM), chunked
 * so each statement stays under the Data API's 100 KB limit.
 */
import { literal, type SqlValue } from './literal';

/** A column name and its SQL type (`VARCHAR` means any text). */
export type ColumnDef = readonly [name: string, type: string];

/** The column type a {@link ColumnDef} type stands for: `VARCHAR` (any text) is Redshift's longest. */
export const columnType = (type: string) => (type === 'VARCHAR' ? 'VARCHAR(65535)' : type);

const cast = ([name, type]: ColumnDef, v: SqlValue) => `CAST(${literal(v)} AS ${columnType(type)}) AS ${name}`;

/**
 * The literal writer of one column for rows after the first: typed dates, times and non-text
 * NULLs, so every branch of the union agrees on the types. Built once per column, not per value.
 */
function typed([, type]: ColumnDef): (v: SqlValue) => string {
  const nullSql = /^(VAR)?CHAR\b/.test(type) ? 'NULL' : `CAST(NULL AS ${type})`;
  if (type === 'DATE' || type === 'TIMESTAMP') return (v) => (v === null ? nullSql : `${type} ${literal(v)}`);
  return (v) => (v === null ? nullSql : literal(v));
}

/** Splits rows into UNION ALL subqueries of bounded size; the first row of each carries casts and names. */
export function unionSources(columns: readonly ColumnDef[], rows: SqlValue[][], budget: number): string[] {
  const writers = columns.map(typed);
  const out: string[] = [];
  let parts: string[] = [];
  let size = 0;
  for (const row of rows) {
    if (parts.length > 0) {
      let sql = `SELECT ${writers[0](row[0])}`;
      for (let i = 1; i < row.length; i++) sql += `, ${writers[i](row[i])}`;
      const bytes = Buffer.byteLength(sql) + 15; // + ' UNION ALL ' and parentheses
      if (size + bytes <= budget) {
        parts.push(sql);
        size += bytes;
        continue;
      }
      out.push(balancedUnion(parts));
    }
    const first = `SELECT ${row.map((v, i) => cast(columns[i], v)).join(', ')}`;
    parts = [first];
    size = Buffer.byteLength(first);
  }
  if (parts.length > 0) out.push(balancedUnion(parts));
  return out;
}

/**
 * `(a UNION ALL b) UNION ALL (c UNION ALL d)`: a balanced tree keeps the planner's recursion
 * depth logarithmic; a flat chain of hundreds of branches exhausts the stack (seen on PGlite).
 * The first row stays leftmost, so its casts and names define the columns.
 */
function balancedUnion(parts: string[]): string {
  if (parts.length === 1) return parts[0];
  const mid = parts.length >> 1;
  return `(${balancedUnion(parts.slice(0, mid))}) UNION ALL (${balancedUnion(parts.slice(mid))})`;
}
