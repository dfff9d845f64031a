/**
 * SQL literals for values that travel inside statement text (Redshift's Data API has no bulk
 * binding). Escaping doubles quotes and backslashes, because Redshift treats a backslash in a
 * string literal as an escape; the local Postgres runs with standard_conforming_strings off so
 * both read the same text the same way. NUL and lone UTF-16 surrogates, which neither engine
 * stores (text is UTF-8 there), become U+FFFD here, so both engines hold the same text.
 */
export type SqlValue = string | number | boolean | null;

// eslint-disable-next-line no-control-regex -- NUL is exactly what must be found
const NEEDS_ESCAPE = /['\\\u0000\uD800-\uDFFF]/;
// eslint-disable-next-line no-control-regex -- as above
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** A string as the warehouse holds it: NUL and lone surrogates replaced by U+FFFD. */
export function storable(text: string): string {
  return text.replace(UNSTORABLE, '\uFFFD');
}

/** One value as a SQL literal. */
export function literal(v: SqlValue): string {
  if (v === null) return 'NULL';
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`cannot write ${v} to SQL`);
    return String(v);
  }
  if (!NEEDS_ESCAPE.test(v)) return `'${v}'`;
  return `'${storable(v).replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/** Redshift's limit on one statement's text is 100 KB; stay under it with room for the statement around the rows. */
export const MAX_STATEMENT_BYTES = 90_000;
