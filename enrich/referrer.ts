/** Referrer classification: where a visit came from. */
import { LRUCache } from 'lru-cache';
import type { ReferrerMedium } from '../contract';
import { splitUrl } from './url';

// Registrable-name fragments of well-known referrers. A host matches when it equals the entry
// or ends with "." + entry; entries ending in "." match any top-level domain (google.de, google.co.uk).
const SEARCH = [
  'google.',
  'bing.com',
  'duckduckgo.com',
  'yahoo.',
  'baidu.com',
  'yandex.',
  'ecosia.org',
  'search.brave.com',
  'qwant.com',
  'startpage.com',
  'ask.com',
  'naver.com',
  'seznam.cz',
];
const SOCIAL = [
  'facebook.com',
  'fb.com',
  'instagram.com',
  't.co',
  'twitter.com',
  'x.com',
  'linkedin.com',
  'lnkd.in',
  'reddit.com',
  'pinterest.',
  'youtube.com',
  'tiktok.com',
  'news.ycombinator.com',
  'mastodon.social',
  'bsky.app',
  'threads.net',
  'vk.com',
  'weibo.com',
];
const EMAIL = ['mail.google.com', 'outlook.live.com', 'outlook.office.com', 'mail.yahoo.com', 'mail.proton.me', 'mail.aol.com', 'webmail.'];

function matches(host: string, entries: string[]): boolean {
  return entries.some((entry) => {
    if (entry.endsWith('.')) {
      const at = host.indexOf(entry);
      return at === 0 || (at > 0 && host[at - 1] === '.');
    }
    return host === entry || host.endsWith(`.${entry}`);
  });
}

/** Host of a URL in lower case, or undefined when it is not an absolute http(s) URL. */
export function hostOf(url: string | undefined): string | undefined {
  return url ? splitUrl(url)?.host : undefined;
}

/**
 * The medium of a referrer: `direct` without one, `internal` for the page's own host or the
 * configured internal domains, then search, social and email by host, else `external`.
 */
export function referrerMedium(
  referrerHost: string | undefined,
  pageHost: string | undefined,
  internalDomains: readonly string[] = [],
): ReferrerMedium {
  if (!referrerHost) return 'direct';
  if (referrerHost === pageHost || internalDomains.some((d) => referrerHost === d || referrerHost.endsWith(`.${d}`))) return 'internal';
  let medium = KNOWN.get(referrerHost);
  if (medium === undefined) {
    medium = matches(referrerHost, EMAIL)
      ? 'email'
      : matches(referrerHost, SEARCH)
        ? 'search'
        : matches(referrerHost, SOCIAL)
          ? 'social'
          : 'external';
    KNOWN.set(referrerHost, medium);
  }
  return medium;
}

/** Referring hosts repeat a lot (a handful of search engines and social sites): classify each once. */
const KNOWN = new LRUCache<string, ReferrerMedium>({ max: 5000 });
