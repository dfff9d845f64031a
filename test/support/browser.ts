import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import type { ClickEvent } from '../../contract';
import { describeIf } from './requires';

/** Debian's Chromium (installed by .ci/run), driven by playwright-core. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** `describe` for suites that need Chromium (see {@link describeIf}). */
export function describeBrowser(name: string, fn: () => void): void {
  const missing = `${CHROMIUM} not found: apt-get install -y chromium (or set CHROMIUM_PATH)`;
  describeIf(name, { present: existsSync(CHROMIUM), missing, require: 'REQUIRE_BROWSER' }, fn);
}

/**
 * A desktop Chrome's user agent, for pages that stand for a person: headless Chromium announces
 * itself as HeadlessChrome, which the collector rightly counts as a bot (left out of people's numbers).
 */
export const PERSON_USER_AGENT = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

/**
 * Launches headless Chromium with the flags this sandboxed, offline machine needs; with
 * `userAgent`, every request carries it (beacons sent while a page unloads too, which a
 * per-page override misses).
 */
export function launchChromium(userAgent?: string): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--autoplay-policy=no-user-gesture-required',
      ...(userAgent ? [`--user-agent=${userAgent}`] : []),
    ],
  });
}

/** Polls `read` until `done` holds, or fails with what was seen. */
export async function waitFor<T>(read: () => Promise<T>, done: (v: T) => boolean, timeoutMs = 10000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await read();
  while (!done(last)) {
    if (Date.now() > deadline)
      throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(last).slice(0, 2000)}`);
    await new Promise((r) => setTimeout(r, 50));
    last = await read();
  }
  return last;
}

/** Events of a type (and name), in received order. */
export const ofType = (events: ClickEvent[], type: string, name?: string) =>
  events
    .filter((e) => e.eventType === type && (name === undefined || e.eventName === name))
    .sort((a, b) => a.receivedTimestamp.localeCompare(b.receivedTimestamp));
