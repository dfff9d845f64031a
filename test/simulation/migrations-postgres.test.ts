/**
 * The migrations on a real PostgreSQL server, sent as the migration custom resource sends them
 * to Redshift (Redshift DDL through the Data API, the stand-in's dialect step on the way), give
 * the same tables and columns as local mode's PGlite.
 */
import { migrate } from '../../warehouse/migrations';
import { freshWarehouse } from '../support/warehouse';
import { describePostgres, startSimulatedRedshift } from '../support/simulated-redshift';

const COLUMNS = `SELECT table_name, column_name, data_type, character_maximum_length AS length, is_nullable
  FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, column_name`;

describePostgres('migrations on PostgreSQL through the Data API stand-in', () => {
  it('apply once each and give the tables and columns PGlite has', async () => {
    const sim = await startSimulatedRedshift();
    const local = await freshWarehouse();
    try {
      const db = sim.executor();
      const applied = await migrate(db, 'redshift');
      expect(applied.length).toBeGreaterThanOrEqual(3);
      expect(await migrate(db, 'redshift')).toEqual([]);
      const remote = await db.query(COLUMNS);
      expect(remote.length).toBeGreaterThan(50);
      expect(remote).toEqual((await local.query(COLUMNS)).map((r) => ({ ...r, length: r.length === null ? null : Number(r.length) })));
    } finally {
      await local.close();
      await sim.stop();
    }
  });
});
