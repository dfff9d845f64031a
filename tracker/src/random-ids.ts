/** Random ids made in the browser: Divolte-style party and session ids, and v4 UUIDs for events. */

const random = (bytes: number) => crypto.getRandomValues(new Uint8Array(bytes));

/** `0:<time base36>:<32 url-safe random characters>`, the collector's id format. */
export const newId = () =>
  `0:${Date.now().toString(36)}:${btoa(String.fromCharCode(...random(24)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')}`;
/** A version 4 UUID (the contract's event id). */
export const uuid = () => {
  const b = random(16);
  b[6] = (b[6] & 15) | 64;
  b[8] = (b[8] & 63) | 128;
  const h = [...b].map((x) => (x + 256).toString(16).slice(1)).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};
