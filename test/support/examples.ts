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
