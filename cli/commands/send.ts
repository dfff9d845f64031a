/** `clickstream send`: fires test page views and clicks at a collector, as the tracker would. */
import { randomUUID } from 'node:crypto';

export async function sendEvents(o: { url: string; count: number; campaign: string }): Promise<void> {
  const sessions = Array.from({ length: Math.max(1, Math.ceil(o.count / 5)) }, (_, i) => ({
    partyId: `0:test:party${i}`,
    sessionId: `0:test:${randomUUID()}`,
  }));
  const pages = ['/', '/product/tea-42', '/product/coffee-3', '/cart'];
  const events = Array.from({ length: o.count }, (_, i) => {
    const s = sessions[i % sessions.length];
    return {
      eventId: randomUUID(),
      eventType: i % 5 === 4 ? 'custom' : 'pageView',
      ...(i % 5 === 4 ? { eventName: 'test-signal', properties: { n: i } } : {}),
      ...s,
      clientTimestamp: new Date().toISOString(),
      page: {
        url: `https://shop.example.com${pages[i % pages.length]}?utm_source=cli&utm_medium=test&utm_campaign=${encodeURIComponent(o.campaign)}`,
        referrer: 'https://www.google.com/',
      },
    };
  });
  let accepted = 0;
  for (let i = 0; i < events.length; i += 25) {
    let res: Response;
    try {
      res = await fetch(`${o.url}/collect`, {
        method: 'POST',
        body: JSON.stringify(events.slice(i, i + 25)),
        headers: { 'Content-Type': 'text/plain' },
      });
    } catch (err) {
      throw new Error(`cannot reach the collector at ${o.url}: ${(err as Error).message}`, { cause: err });
    }
    const body = (await res.json().catch(() => ({}))) as { accepted?: number; rejected?: { reason: string }[] };
    if (!res.ok) throw new Error(`collector answered ${res.status}: ${body.rejected?.[0]?.reason ?? 'no reason given'}`);
    accepted += body.accepted ?? 0;
  }
  process.stdout.write(`sent ${o.count} events to ${o.url}, ${accepted} accepted\n`);
}
