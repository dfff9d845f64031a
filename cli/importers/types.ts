import type { ClickEvent } from '../../contract';

/** Settings shared by every row of one import. */
export interface ImportContext {
  /** Identifies the file (name and size), so event ids are stable across runs. */
  fileId: string;
  /** Time stamp for formats whose rows carry none. */
  time: Date;
}

/** A row turned into an event, or the reason it could not be. */
export type RowResult = { event: ClickEvent } | { error: string };
