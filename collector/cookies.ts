/** First-party id cookies and their lifetimes. */
import { randomBytes, randomUUID } from 'node:crypto';
import { ID_PATTERN } from '../contract';

/** Party id cookie, refreshed on every hit (as Divolte's `_dvp`); its lifetime is a setting (PARTY_COOKIE_DAYS). */
export const PARTY_COOKIE = 'cs_pid';
/** Session id cookie: 30 minutes of inactivity (as Divolte's `_dvs`). */
export const SESSION_COOKIE = 'cs_sid';
/** Snowplow's network user id cookie. */
export const SNOWPLOW_COOKIE = 'sp';

export const SESSION_MAX_AGE_S = 30 * 60;
export const SNOWPLOW_MAX_AGE_S = 365 * 24 * 3600;

/** A Divolte-style id: `0:<time base36>:<32 random url-safe characters>`. */
export function newId(now = Date.now()): string {
  return `0:${now.toString(36)}:${randomBytes(24).toString('base64url')}`;
}

export { randomUUID as newUuid };

/** Parses a Cookie header into name → value (first occurrence wins). */
export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!header) return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    if (!out.has(name)) out.set(name, part.slice(eq + 1).trim());
  }
  return out;
}

/** Cookie attributes from the configuration. */
export interface CookieOptions {
  domain: string;
  secure: boolean;
  /** Lifetime of the party id cookie, in seconds. */
  partyMaxAgeS: number;
}

/** A Set-Cookie value; `maxAge` 0 expires the cookie. */
export function setCookie(name: string, value: string, maxAge: number, options: CookieOptions): string {
  const domain = options.domain ? `; Domain=${options.domain}` : '';
  return `${name}=${value}; Path=/; Max-Age=${maxAge}; HttpOnly${domain}; ${options.secure ? 'Secure; SameSite=None' : 'SameSite=Lax'}`;
}

/** The cookie value if it is a well-formed id, so a tampered cookie cannot inject a bad id. */
export function idFromCookie(cookies: Map<string, string>, name: string): string | undefined {
  const v = cookies.get(name);
  return v && ID_PATTERN.test(v) ? v : undefined;
}
