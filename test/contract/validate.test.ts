import { LIMITS, validateEvent } from '../../contract';
import { sampleEvent } from '../support/examples';

function reasonFor(input: unknown): string {
  const result = validateEvent(input);
  if (result.ok) throw new Error('expected the event to be rejected');
  return result.reason;
}

describe('validateEvent rejects malformed events with a reason naming the field', () => {
  it('missing event id', () => {
    const { eventId: _omit, ...event } = sampleEvent();
    expect(reasonFor(event)).toBe('eventId: is required');
  });

  it('event id that is not a UUID', () => {
    expect(reasonFor(sampleEvent({ eventId: 'not-a-uuid' }))).toBe('eventId: must be a valid uuid');
  });

  it('wrong type of a nested field', () => {
    const event = sampleEvent();
    expect(reasonFor({ ...event, screen: { ...event.screen, width: '1920' } })).toBe('screen.width: must be integer');
  });

  it('wrong type of a timestamp', () => {
    expect(reasonFor({ ...sampleEvent(), receivedTimestamp: 1732270530512 })).toBe('receivedTimestamp: must be string');
  });

  it('oversize string', () => {
    const event = sampleEvent();
    const url = `https://example.com/${'a'.repeat(LIMITS.url)}`;
    expect(reasonFor({ ...event, page: { ...event.page, url } })).toBe(`page.url: is longer than ${LIMITS.url} characters`);
  });

  it('lengths counted in characters (code points), not UTF-16 units', () => {
    const emoji = (n: number) => '🍵'.repeat(n);
    expect(validateEvent({ ...sampleEvent(), userId: emoji(LIMITS.short) }).ok).toBe(true);
    expect(reasonFor({ ...sampleEvent(), userId: emoji(LIMITS.short + 1) })).toBe(`userId: is longer than ${LIMITS.short} characters`);
  });

  it('unknown event type', () => {
    expect(reasonFor({ ...sampleEvent(), eventType: 'pageview' })).toMatch(/^eventType: must be one of pageView, pagePing,/);
  });

  it('properties that are not an object', () => {
    expect(reasonFor({ ...sampleEvent(), properties: ['a', 'b'] })).toBe('properties: must be object');
    expect(reasonFor({ ...sampleEvent(), properties: 'x' })).toBe('properties: must be object');
  });

  it('properties with a key over the length limit', () => {
    const key = 'k'.repeat(LIMITS.propertyName + 1);
    expect(reasonFor({ ...sampleEvent(), properties: { [key]: 1 } })).toBe(
      `properties: key "${key.slice(0, 40)}…" is longer than ${LIMITS.propertyName} characters`,
    );
    expect(validateEvent({ ...sampleEvent(), properties: { [key.slice(1)]: 1, 'multi\nline': 2 } }).ok).toBe(true);
  });

  it('properties over the byte limit', () => {
    expect(reasonFor({ ...sampleEvent(), properties: { blob: 'x'.repeat(LIMITS.propertiesBytes) } })).toMatch(
      /^properties is \d+ bytes, over the 8192-byte limit$/,
    );
  });

  it('fields outside the contract', () => {
    expect(reasonFor({ ...sampleEvent(), pageUrl: 'https://example.com/' })).toBe('pageUrl: is not a field of the event contract');
  });

  it('ids with characters outside the id alphabet', () => {
    expect(reasonFor(sampleEvent({ sessionId: 'abc def' }))).toMatch(/^sessionId: must match pattern/);
  });

  it('anything that is not an object', () => {
    expect(reasonFor(null)).toBe('event: must be object');
    expect(reasonFor('{}')).toBe('event: must be object');
  });
});
