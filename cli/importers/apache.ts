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

/**
 * How far out of time order log lines may be and still get the sessions a full sort would give:
 * lines are held this long (in log time) before their session is decided. Logs written by
 * several workers are out of order by seconds; a line later than this starts a new session.
 */
export const REORDER_WINDOW_MS = 5 * 60 * 1000;

/** What is remembered of a visitor (IP and user agent) between lines. */
interface Visitor {
  partyId: string;
  sessionId: string;
  last: number;
}

/**
 * Apache log lines to events as they are read, in bounded memory: lines wait in a reordering
 * buffer for {@link REORDER_WINDOW_MS}, then leave in time order; a visitor's session continues
 * while their requests are less than 30 minutes apart. Visitors idle for longer are forgotten.
 */
export class ApacheSessions {
  private readonly site: URL;
  private readonly agents = new UserAgentParser(5000);
  private readonly visitors = new Map<string, Visitor>();
  /** Parsed lines not yet emitted, in (time, line) order from `head`; logs are nearly sorted, so inserts land near the end. */
  private held: Parsed[] = [];
  private head = 0;
  private newest = -Infinity;
  private emitted = 0;

  constructor(
    private readonly ctx: ImportContext & { site: string; anonymiseIp?: boolean },
    private readonly windowMs = REORDER_WINDOW_MS,
  ) {
    this.site = new URL(ctx.site);
  }

  /** One line of the log; returns the events (and errors) it releases. */
  push(text: string, line: number): RowResult[] {
    if (text.trim() === '') return [];
    const p = parseCombined(text, line);
    if (typeof p === 'string') return [{ error: p }];
    const held = this.held;
    let i = held.length;
    while (i > this.head && (held[i - 1].time > p.time || (held[i - 1].time === p.time && held[i - 1].line > p.line))) i--;
    if (i === held.length) held.push(p);
    else held.splice(i, 0, p);
    if (p.time > this.newest) this.newest = p.time;
    let end = this.head;
    while (end < held.length && held[end].time <= this.newest - this.windowMs) end++;
    return end > this.head ? this.release(this.take(end)) : [];
  }

  /** Lines waiting in the reordering window. */
  get holding(): number {
    return this.held.length - this.head;
  }

  /** Everything still held, at the end of the file. */
  flush(): RowResult[] {
    return this.release(this.take(this.held.length));
  }

  /** Removes held lines up to `end`; the array is compacted only once half of it is spent. */
  private take(end: number): Parsed[] {
    const out = this.held.slice(this.head, end);
    this.head = end;
    if (this.head > 1024 && this.head * 2 > this.held.length) {
      this.held = this.held.slice(this.head);
      this.head = 0;
    }
    return out;
  }

  private release(requests: Parsed[]): RowResult[] {
    const out = requests.map((r) => ({ event: this.event(r) }));
    this.emitted += out.length;
    // Visitors idle past the session gap would start a new session anyway: forget them.
    if (this.emitted >= 10_000 && requests.length > 0) {
      this.emitted = 0;
      const horizon = requests[requests.length - 1].time - SESSION_GAP_MS - this.windowMs;
      for (const [key, v] of this.visitors) if (v.last < horizon) this.visitors.delete(key);
    }
    return out;
  }

  private event(r: Parsed): ClickEvent {
    const key = `${r.ip}\u0001${r.userAgent ?? ''}`;
    let v = this.visitors.get(key);
    if (!v) this.visitors.set(key, (v = { partyId: `import:${hash(key)}`, sessionId: '', last: -Infinity }));
    if (r.time - v.last > SESSION_GAP_MS) v.sessionId = `import:${hash(`${key}\u0001${r.time}`)}`;
    v.last = Math.max(v.last, r.time);
    const url = new URL(r.target.startsWith('/') ? r.target : `/${r.target}`, this.site).href;
    const type: EventType = ASSET.test(new URL(url).pathname) ? 'download' : 'pageView';
    const country = countryOf(r.ip);
    return {
      schemaVersion: SCHEMA_VERSION,
      eventId: stableUuid(`${this.ctx.fileId}:${r.line}`),
      eventType: type,
      ...(type === 'download' ? { properties: { extension: url.split('.').pop()!.split('?')[0].toLowerCase() } } : {}),
      source: 'import',
      receivedTimestamp: new Date(r.time).toISOString(),
      partyId: v.partyId,
      sessionId: v.sessionId,
      page: derivePage({ url, ...(r.referrer ? { referrer: r.referrer } : {}) }, [this.site.hostname.replace(/^www\./, '')]),
      ...(r.userAgent ? { device: this.agents.parse(r.userAgent) } : {}),
      network: { ip: this.ctx.anonymiseIp ? anonymiseIp(r.ip) : r.ip, ...(country ? { country } : {}) },
      httpStatus: r.status,
    };
  }
}
