import { buildTracker } from '../../tracker/build';

/** Builds the tracker bundle once, so the collector under test serves the real script. */
export default function globalSetup(): void {
  buildTracker();
}
