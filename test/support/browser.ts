import { chromium, type Browser } from 'playwright-core';
import type { ClickEvent } from '../../contract';

/** Debian's Chromium (installed by .ci/run), driven by playwright-core. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Launches headless Chromium with the flags this sandboxed, offline machine needs. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required'],
  });
}

/** Polls `read` until `done` holds, or fails with what was seen. */
export async function waitFor<T>(read: () => Promise<T>, done: (v: T) => boolean, timeoutMs = 10000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await read();
  while (!done(last)) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(last).slice(0, 2000)}`);
    await new Promise((r) => setTimeout(r, 50));
    last = await read();
  }
  return last;
}

/** Events of a type (and name), in received order. */
export const ofType = (events: ClickEvent[], type: string, name?: string) =>
  events.filter((e) => e.eventType === type && (name === undefined || e.eventName === name)).sort((a, b) => a.receivedTimestamp.localeCompare(b.receivedTimestamp));
