/**
 * Party, session and Snowplow network user ids for a request, and the cookies that carry them.
 * Only values in the id alphabet are ever echoed into a cookie: a client's `pid` of
 * `x; Domain=evil.example` must not become a cookie attribute.
 */
import type { IncomingMessage } from 'node:http';
import { ID_PATTERN } from '../contract';
import {
  idFromCookie,
  newId,
  newUuid,
  parseCookies,
  setCookie,
  type CookieOptions,
  PARTY_COOKIE,
  SESSION_COOKIE,
  SESSION_MAX_AGE_S,
  SNOWPLOW_COOKIE,
  SNOWPLOW_MAX_AGE_S,
} from './cookies';

/** The nil UUID Snowplow uses for anonymous tracking. */
export const ANONYMOUS_NUID = '00000000-0000-0000-0000-000000000000';

const wellFormed = (v: unknown): v is string => typeof v === 'string' && ID_PATTERN.test(v);

/**
 * Party and session ids for requests that may carry none (pixels, Snowplow without duid/sid):
 * the request's own ids when well formed, else the first-party cookies, else new ones. The
 * cookies are (re)set to the ids used, so the next hit continues the same visitor and session.
 * A malformed id the client sent is not replaced here: validation names it in the rejection.
 */
export function serverIds(
  req: IncomingMessage,
  cookies: string[],
  options: CookieOptions,
  given: Record<string, unknown> = {},
): { partyId: string; sessionId: string } {
  const jar = parseCookies(req.headers.cookie);
  const partyId = wellFormed(given.partyId) ? given.partyId : (idFromCookie(jar, PARTY_COOKIE) ?? newId());
  const sessionId = wellFormed(given.sessionId) ? given.sessionId : (idFromCookie(jar, SESSION_COOKIE) ?? newId());
  cookies.push(
    setCookie(PARTY_COOKIE, partyId, options.partyMaxAgeS, options),
    setCookie(SESSION_COOKIE, sessionId, SESSION_MAX_AGE_S, options),
  );
  return { partyId, sessionId };
}

/**
 * Snowplow's network user id: the tracker's `tnuid`/`nuid` when well formed, else the `sp`
 * cookie, else a new UUID; the cookie is set to it. Anonymous requests (`SP-Anonymous`) get
 * the nil UUID and any `sp` cookie is expired.
 */
export function networkUserId(
  req: IncomingMessage,
  first: Record<string, string>,
  anonymous: boolean,
  cookies: string[],
  options: CookieOptions,
): string {
  if (anonymous) {
    if (req.headers.cookie?.includes(`${SNOWPLOW_COOKIE}=`)) cookies.push(setCookie(SNOWPLOW_COOKIE, '', 0, options));
    return ANONYMOUS_NUID;
  }
  const given = [first.tnuid, first.nuid].find(wellFormed);
  const nuid = given ?? idFromCookie(parseCookies(req.headers.cookie), SNOWPLOW_COOKIE) ?? newUuid();
  cookies.push(setCookie(SNOWPLOW_COOKIE, nuid, SNOWPLOW_MAX_AGE_S, options));
  return nuid;
}
