/** Client IP resolution and anonymisation. */
import { isIPv4, isIPv6 } from 'node:net';

/**
 * The client address: `X-Forwarded-For` entries plus the socket address, read from the right,
 * skipping `trustedProxies` hops (1 behind an ALB). Entries a client could forge are never trusted.
 */
export function clientIp(forwardedFor: string | undefined, remoteAddress: string | undefined, trustedProxies: number): string {
  const chain = forwardedFor
    ? forwardedFor
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : [];
  if (remoteAddress) chain.push(remoteAddress);
  if (chain.length === 0) return '';
  const ip = chain[Math.max(0, chain.length - 1 - trustedProxies)];
  return ip.startsWith('::ffff:') && isIPv4(ip.slice(7)) ? ip.slice(7) : ip;
}

/** Zeroes the host part: the last octet of IPv4, the last 80 bits of IPv6 (keeps the /48). */
export function anonymiseIp(ip: string): string {
  if (isIPv4(ip)) return ip.replace(/\.\d+$/, '.0');
  if (isIPv6(ip)) {
    const [head] = ip.split('::');
    const groups = ip.includes('::') ? head.split(':').filter(Boolean) : ip.split(':');
    return `${groups.slice(0, 3).join(':')}::`;
  }
  return '';
}
