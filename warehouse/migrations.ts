/**
 * Applies the versioned SQL migrations in sql/migrations once each, recording them in
 * `schema_migrations`. The same files run on Redshift (Data API) and locally (PGlite, after the
 * dialect step).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { toPostgres, splitStatements } from './dialect';
import { MAX_TRANSACTION_STATEMENTS, type StatementExecutor } from './executor';
import { literal } from './literal';

/** One migration file. */
export interface Migration {
  version: string;
  name: string;
  sql: string;
}

/** Default location of the migration files. */
export const MIGRATIONS_DIR = join(__dirname, '../sql/migrations');

/** Reads `V<nnn>__<name>.sql` files in version order. */
export function readMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^V\d+__\w+\.sql$/.test(f))
    .sort()
    .map((f) => ({ version: f.split('__')[0], name: f, sql: readFileSync(join(dir, f), 'utf8') }));
}

/** Applies the migrations not yet recorded; returns the names applied. */
export async function migrate(
  executor: StatementExecutor,
  dialect: 'redshift' | 'postgres',
  migrations = readMigrations(),
): Promise<string[]> {
  await executor.query(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version VARCHAR(32) NOT NULL, name VARCHAR(256) NOT NULL, applied_at TIMESTAMP NOT NULL)',
  );
  const done = new Set((await executor.query('SELECT version FROM schema_migrations')).map((r) => String(r.version)));
  const applied: string[] = [];
  for (const m of migrations) {
    if (done.has(m.version)) continue;
    const statements = splitStatements(dialect === 'postgres' ? toPostgres(m.sql) : m.sql);
    const record = `INSERT INTO schema_migrations (version, name, applied_at) VALUES (${literal(m.version)}, ${literal(m.name)}, CAST(${literal(new Date().toISOString().replace('T', ' ').replace('Z', ''))} AS TIMESTAMP))`;
    const all = [...statements, record];
    if (all.length > MAX_TRANSACTION_STATEMENTS)
      throw new Error(`${m.name} has ${statements.length} statements; split it (at most ${MAX_TRANSACTION_STATEMENTS - 1} per file)`);
    await executor.transaction(all);
    applied.push(m.name);
  }
  return applied;
}
