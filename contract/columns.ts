/**
 * The contract flattened into columns: the raw-event table DDL, the OpenSearch mapping and
 * row conversion are all derived here from {@link EventSchema}, so adding a field to the
 * contract adds it everywhere.
 */
import type { TSchema } from '@sinclair/typebox';
import { EventSchema, type ClickEvent } from './event';

/** One flattened field of the contract. */
export interface Column {
  /** snake_case column name, e.g. `page_referrer_host`. */
  name: string;
  /** Path of the value in the event, e.g. `['page', 'referrerHost']`. */
  path: string[];
  /** Redshift column type (also valid Postgres). */
  sqlType: string;
  /** OpenSearch field mapping. */
  search: Record<string, unknown>;
}

const snake = (s: string) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** Redshift VARCHAR lengths are bytes; UTF-8 takes up to 4 bytes per character. */
const varchar = (maxChars: number) => `VARCHAR(${Math.min(65535, maxChars * 4)})`;

function leafColumn(path: string[], schema: TSchema): Column {
  const name = path.map(snake).join('_');
  if (schema.type === 'object') {
    // Free-form properties: stored as JSON text, searchable as a flat object.
    return { name, path, sqlType: 'VARCHAR(65535)', search: { type: 'flat_object' } };
  }
  if (schema.format === 'date-time') return { name, path, sqlType: 'TIMESTAMP', search: { type: 'date' } };
  if (schema.format === 'uuid') return { name, path, sqlType: 'CHAR(36)', search: { type: 'keyword' } };
  switch (schema.type) {
    case 'integer':
      return { name, path, sqlType: 'INTEGER', search: { type: 'integer' } };
    case 'number':
      return { name, path, sqlType: 'DOUBLE PRECISION', search: { type: 'double' } };
    case 'boolean':
      return { name, path, sqlType: 'BOOLEAN', search: { type: 'boolean' } };
    default: {
      const max = schema.enum ? Math.max(...(schema.enum as string[]).map((v) => v.length)) : (schema.maxLength ?? 256);
      const search: Record<string, unknown> =
        max > 256 && !schema.enum ? { type: 'text', fields: { raw: { type: 'keyword', ignore_above: 1024 } } } : { type: 'keyword' };
      return { name, path, sqlType: varchar(max), search };
    }
  }
}

function flatten(schema: TSchema, path: string[]): Column[] {
  const props = schema.properties as Record<string, TSchema> | undefined;
  if (schema.type === 'object' && props) {
    return Object.entries(props).flatMap(([key, child]) => flatten(child, [...path, key]));
  }
  return [leafColumn(path, schema)];
}

/** Every leaf field of the contract, in schema order. */
export const COLUMNS: readonly Column[] = flatten(EventSchema, []);

/** Values of one event in {@link COLUMNS} order; absent fields are null, objects are JSON text. */
export function eventToRow(event: ClickEvent): (string | number | boolean | null)[] {
  return COLUMNS.map((col) => {
    let value: unknown = event;
    for (const key of col.path) value = value == null ? undefined : (value as Record<string, unknown>)[key];
    if (value === undefined || value === null) return null;
    if (typeof value === 'object') return JSON.stringify(value);
    return value as string | number | boolean;
  });
}

/** `CREATE TABLE` for the raw events table, in Redshift SQL (the local dialect step maps the attributes away). */
export function rawEventsDdl(table = 'events'): string {
  const cols = COLUMNS.map((c) => `  ${c.name} ${c.sqlType}${c.name === 'event_id' || c.name === 'received_timestamp' ? ' NOT NULL' : ''}`);
  return `CREATE TABLE IF NOT EXISTS ${table} (\n${cols.join(',\n')}\n)\nDISTKEY (session_id)\nSORTKEY (received_timestamp);\n`;
}

/** OpenSearch mappings for raw events, keyed by the flattened column names. */
export function searchMappings(): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const c of COLUMNS) properties[c.name] = c.search;
  return { dynamic: 'strict', properties };
}

/** The event as a flat document for the search index (column names, nulls left out). */
export function eventToDocument(event: ClickEvent): Record<string, unknown> {
  const row = eventToRow(event);
  const doc: Record<string, unknown> = {};
  COLUMNS.forEach((c, i) => {
    const v = row[i];
    if (v !== null) doc[c.name] = c.sqlType === 'VARCHAR(65535)' && typeof v === 'string' ? JSON.parse(v) : v;
  });
  return doc;
}
