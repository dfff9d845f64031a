/** Country from the IP, using the GeoLite2 country data bundled in the `geoip-country` package. */
import geoip from 'geoip-country';

/** ISO 3166-1 alpha-2 code, or undefined for private, reserved or unknown addresses. */
export function countryOf(ip: string): string | undefined {
  if (!ip) return undefined;
  const hit = geoip.lookup(ip);
  return hit?.country && /^[A-Z]{2}$/.test(hit.country) ? hit.country : undefined;
}
