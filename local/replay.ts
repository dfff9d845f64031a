/** Replay in local mode: archived events of a time range from the archive folder onto the log's replay topic. */
import { join } from 'node:path';
import { encodeEvent, REPLAY_TOPIC } from '../contract';
import type { DurableLog } from '../durable-log/log';
import { folderSource } from '../replay/object-sources';
import type { TimeRange } from '../replay/range';
import { replayArchive, type ReplayProgress } from '../replay/replay';

/** Replays the data folder's archived events received in `range`. */
export function replayLocal(log: DurableLog, dataDir: string, range: TimeRange): Promise<ReplayProgress> {
  return replayArchive(folderSource(join(dataDir, 'archive')), (events) => log.append(REPLAY_TOPIC, events.map(encodeEvent)), range);
}
