import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClickEvent } from '../../contract';

/** The JSON examples in docs/events.md, so tests and documentation cannot drift apart. */
export function documentedExamples(): ClickEvent[] {
  const md = readFileSync(join(__dirname, '../../docs/events.md'), 'utf8');
  return [...md.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1]) as ClickEvent);
}

/** A valid event to derive test cases from. */
export function sampleEvent(overrides: Partial<ClickEvent> = {}): ClickEvent {
  return { ...documentedExamples()[0], ...overrides };
}

/** Text an attacker controls, as it can reach the warehouse: quotes, separators, escapes, NUL, a lone surrogate. */
export const HOSTILE_TEXT = [
  "'; DROP TABLE events; --",
  'a,"b"\nc',
  'back\\slash \\',
  'nul\u0000byte',
  'lone \uD800 surrogate',
  '',
  "O'Reilly",
  '{"tbl":"sessions"}',
];

/** One event per {@link HOSTILE_TEXT} in its name, a property, the title and the path; all in session `session`. */
export function hostileEvents(session = 'hostile-session'): ClickEvent[] {
  return HOSTILE_TEXT.map((h, i) =>
    sampleEvent({
      eventId: `00000000-0000-4000-8000-${String(900 + i).padStart(12, '0')}`,
      sessionId: session,
      eventName: h,
      properties: { text: h },
      page: { url: `https://x.example/${i}`, title: h, path: `/${h}` },
    }),
  );
}
