/**
 * Apache "combined" access logs. Logs carry no visitor or session ids, so sessions are derived
 * server-side: the same IP and user agent, split after 30 minutes of inactivity. Requests for
 * pages become page views; requests for assets (images, scripts, styles, feeds) become
 * `download` events so page counts stay page counts.
 */
import { createHash } from 'node:crypto';
import { SCHEMA_VERSION, type ClickEvent, type EventType } from '../../contract';
import { countryOf } from '../../enrich/country';
import { anonymiseIp, derivePage, UserAgentParser } from '../../enrich';
import { stableUuid } from './ids';
import type { ImportContext, RowResult } from './types';

// The user agent's closing quote is optional: real logs end in truncated lines.
const COMBINED =
  /^(\S+) \S+ \S+ \[(\d{2})\/(\w{3})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-]\d{4})\] "(\S+) (\S+)(?: [^"]*)?" (\d{3}) (?:\d+|-)(?: "((?:[^"\\]|\\.)*)" "((?:[^"\\]|\\.)*)"?)?\s*$/;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const ASSET = /\.(png|jpe?g|gif|ico|svg|webp|css|js|woff2?|ttf|eot|map|xml|rss|atom|txt)$/i;
const SESSION_GAP_MS = 30 * 60 * 1000;

interface Parsed {
  line: number;
  ip: string;
  time: number;
  method: string;
  target: string;
  status: number;
  referrer?: string;
  userAgent?: string;
}

/** Parses one log line; returns the reason when it is not a combined-format line. */
export function parseCombined(text: string, line: number): Parsed | string {
  const m = COMBINED.exec(text);
  if (!m) return `line ${line}: not in Apache combined log format`;
  const month = MONTHS.indexOf(m[3]);
  if (month < 0) return `line ${line}: unknown month "${m[3]}"`;
  const offset = (m[8][0] === '-' ? -1 : 1) * (Number(m[8].slice(1, 3)) * 60 + Number(m[8].slice(3))) * 60000;
  const time = Date.UTC(Number(m[4]), month, Number(m[2]), Number(m[5]), Number(m[6]), Number(m[7])) - offset;
  return {
    line,
    ip: m[1],
    time,
    method: m[9],
    target: m[10],
    status: Number(m[11]),
    referrer: m[12] && m[12] !== '-' ? m[12] : undefined,
    userAgent: m[13] && m[13] !== '-' ? m[13] : undefined,
  };
}

const hash = (s: string) => createHash('sha1').update(s).digest('base64url').slice(0, 22);

/** Turns a whole log into events, with sessions derived per IP and user agent. */
export function apacheEvents(lines: string[], ctx: ImportContext & { site: string; anonymiseIp?: boolean }): RowResult[] {
  const parsed: Parsed[] = [];
  const out: RowResult[] = [];
  lines.forEach((text, i) => {
    if (text.trim() === '') return;
    const p = parseCombined(text, i + 1);
    if (typeof p === 'string') out.push({ error: p });
    else parsed.push(p);
  });
  const visitors = new Map<string, Parsed[]>();
  for (const p of parsed) {
    const key = `${p.ip}\u0001${p.userAgent ?? ''}`;
    const list = visitors.get(key);
    if (list) list.push(p);
    else visitors.set(key, [p]);
  }
  const site = new URL(ctx.site);
  const agents = new UserAgentParser(5000);
  for (const [key, requests] of visitors) {
    requests.sort((a, b) => a.time - b.time || a.line - b.line);
    const partyId = `import:${hash(key)}`;
    let sessionId = '';
    let last = -Infinity;
    for (const r of requests) {
      if (r.time - last > SESSION_GAP_MS) sessionId = `import:${hash(`${key}\u0001${r.time}`)}`;
      last = r.time;
      const url = new URL(r.target.startsWith('/') ? r.target : `/${r.target}`, site).href;
      const type: EventType = ASSET.test(new URL(url).pathname) ? 'download' : 'pageView';
      const country = countryOf(r.ip);
      const event: ClickEvent = {
        schemaVersion: SCHEMA_VERSION,
        eventId: stableUuid(`${ctx.fileId}:${r.line}`),
        eventType: type,
        ...(type === 'download' ? { properties: { extension: url.split('.').pop()!.split('?')[0].toLowerCase() } } : {}),
        source: 'import',
        receivedTimestamp: new Date(r.time).toISOString(),
        partyId,
        sessionId,
        page: derivePage({ url, ...(r.referrer ? { referrer: r.referrer } : {}) }, [site.hostname.replace(/^www\./, '')]),
        ...(r.userAgent ? { device: agents.parse(r.userAgent) } : {}),
        network: { ip: ctx.anonymiseIp ? anonymiseIp(r.ip) : r.ip, ...(country ? { country } : {}) },
        httpStatus: r.status,
      };
      out.push({ event });
    }
  }
  return out;
}
