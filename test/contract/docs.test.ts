import { EVENT_TYPES, validateEvent } from '../../contract';
import { documentedExamples } from '../support/examples';

describe('docs/events.md examples', () => {
  const examples = documentedExamples();

  it('has an example for every event type', () => {
    const documented = new Set(examples.map((e) => e.eventType));
    expect([...EVENT_TYPES].filter((t) => !documented.has(t))).toEqual([]);
  });

  it.each(examples.map((e) => [e.eventType, e.source, e] as const))('%s (%s) validates', (_type, _source, example) => {
    expect(validateEvent(example)).toEqual({ ok: true, event: example });
  });
});
