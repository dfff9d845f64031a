/**
 * Bundles the tracker into one minified file with esbuild: `tracker/dist/clickstream.min.js`.
 * Run by `npm run build`, by the collector image build, by local mode and by the tests.
 */
import { buildSync } from 'esbuild';
import { join } from 'node:path';

/** Where the built tracker lands. */
export const TRACKER_BUNDLE = join(__dirname, 'dist', 'clickstream.min.js');

/** Builds the tracker bundle and returns its path. */
export function buildTracker(outfile = TRACKER_BUNDLE): string {
  buildSync({
    entryPoints: [join(__dirname, 'src', 'index.ts')],
    bundle: true,
    minify: true,
    format: 'iife',
    target: 'es2020',
    outfile,
    legalComments: 'none',
    logLevel: 'error',
  });
  return outfile;
}

if (require.main === module) buildTracker();
