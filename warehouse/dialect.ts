/**
 * The one dialect step between our Redshift SQL and the local Postgres: Redshift-only table
 * attributes (DISTSTYLE, DISTKEY, SORTKEY, ENCODE) are removed. Nothing else is rewritten, so
 * the statements the processors run are byte-identical on both engines.
 */
const TABLE_ATTRIBUTES =
  /\)\s*\n?((?:\s*(?:DISTSTYLE\s+\w+|DISTKEY\s*\([^)]*\)|(?:COMPOUND\s+|INTERLEAVED\s+)?SORTKEY\s*\([^)]*\)))+)\s*(?=;|$)/gi;

/** Redshift DDL → Postgres DDL: a whole migration file, or one statement with or without its `;`. */
export function toPostgres(sql: string): string {
  return sql.replace(TABLE_ATTRIBUTES, ')\n').replace(/\s+ENCODE\s+\w+/gi, '');
}

/** Splits a migration file into statements (our migrations keep `;` at line ends and no semicolons in strings). */
export function splitStatements(sql: string): string[] {
  return sql
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.replace(/^\s*--.*$/gm, '').trim())
    .filter(Boolean);
}
