/**
 * `forget`: a person's event-level data out of every store that holds it. Their visitor ids are
 * read from the warehouse first; the archive and the search index are cleaned next; the
 * warehouse last, so an interrupted run can be repeated and finds the same ids.
 */
import type { ObjectStore } from '../lambda/shared/object-store';
import type { ObjectSource } from '../replay/replay';
import type { StatementExecutor } from '../warehouse/executor';
import { forgetInWarehouse, visitorIds, type Person, type Removed } from '../warehouse/forget';
import { forgetInArchive, type ArchiveForgetResult } from './archive';

export type { Person } from '../warehouse/forget';

/** The person the options name; throws naming the problem. */
export function personOf(o: { user?: string; party?: string }): Person {
  if ((o.user === undefined) === (o.party === undefined)) throw new Error('give either --user ID or --party ID');
  const id = (o.user ?? o.party)!;
  if (id.trim() === '') throw new Error(`--${o.user !== undefined ? 'user' : 'party'} must not be empty`);
  return o.user !== undefined ? { user: o.user } : { party: o.party! };
}

/** What was removed where. */
export interface ForgetReport {
  visitorIds: string[];
  warehouse: Removed;
  archive: ArchiveForgetResult;
  /** Documents deleted from the search index, when there is one apart from the warehouse. */
  search?: number;
}

/** The stores of one deployment (local mode's raw events are its search store). */
export interface PersonalStores {
  db: StatementExecutor;
  archive: { source: ObjectSource; store: ObjectStore };
  search?: (ids: { parties: readonly string[]; user?: string }) => Promise<{ deleted: number }>;
}

/** Forgets `person` in every store; returns what it removed. */
export async function forget(stores: PersonalStores, person: Person): Promise<ForgetReport> {
  const parties = await visitorIds(stores.db, person);
  const ids = { parties, user: 'user' in person ? person.user : undefined };
  const archive = await forgetInArchive(stores.archive.source, stores.archive.store, ids);
  const search = stores.search ? (await stores.search(ids)).deleted : undefined;
  const warehouse = await forgetInWarehouse(stores.db, person);
  return { visitorIds: parties, warehouse, archive, ...(search !== undefined ? { search } : {}) };
}
