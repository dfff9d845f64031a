/** Country from the IP, using the GeoLite2 country data bundled in the `geoip-country` package. */
import geoip from 'geoip-country';
import { LRUCache } from 'lru-cache';

// A visitor sends many events from one address; the package builds a large object per lookup.
const cache = new LRUCache<string, string>({ max: 20000 });
const NONE = '';

/** ISO 3166-1 alpha-2 code, or undefined for private, reserved or unknown addresses. */
export function countryOf(ip: string): string | undefined {
  if (!ip) return undefined;
  let country = cache.get(ip);
  if (country === undefined) {
    const hit = geoip.lookup(ip);
    country = hit?.country && /^[A-Z]{2}$/.test(hit.country) ? hit.country : NONE;
    cache.set(ip, country);
  }
  return country || undefined;
}
