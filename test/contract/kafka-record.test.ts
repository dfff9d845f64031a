import { Partitioners } from 'kafkajs';
import { decodeEvent, encodeEvent, partitionFor } from '../../contract';
import { documentedExamples } from '../support/examples';

describe('Kafka record format', () => {
  it.each(documentedExamples().map((e) => [e.eventType, e] as const))('%s round-trips byte-exact', (_type, event) => {
    const record = encodeEvent(event);
    const decoded = decodeEvent(record.value);
    expect(decoded).toEqual({ ok: true, event });
    if (!decoded.ok) return;
    expect(Buffer.compare(encodeEvent(decoded.event).value, record.value)).toBe(0);
    expect(record.key.toString('utf8')).toBe(event.sessionId);
  });

  it('keeps non-ASCII text intact as UTF-8', () => {
    const [event] = documentedExamples();
    const withUnicode = { ...event, page: { ...event.page!, title: 'Grüner Tee – 緑茶 🍵' } };
    const decoded = decodeEvent(encodeEvent(withUnicode).value);
    expect(decoded.ok && decoded.event.page?.title).toBe('Grüner Tee – 緑茶 🍵');
  });

  it('rejects a value that is not JSON with a reason', () => {
    expect(decodeEvent(Buffer.from('{"eventId":'))).toEqual({ ok: false, reason: expect.stringMatching(/^record value is not JSON/) });
  });

  it('places keys on the same partition as the Kafka default partitioner', () => {
    const kafkaPartitioner = Partitioners.DefaultPartitioner();
    const partitionMetadata = [0, 1, 2].map((partitionId) => ({ partitionId, leader: 0, partitionErrorCode: 0, replicas: [0], isr: [0] }));
    for (let i = 0; i < 500; i++) {
      const key = Buffer.from(`session-${i}-${'x'.repeat(i % 7)}`);
      const expected = kafkaPartitioner({ topic: 't', partitionMetadata, message: { key, value: null } });
      expect(partitionFor(key, 3)).toBe(expected);
    }
  });
});
