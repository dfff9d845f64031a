/**
 * The parts of an http(s) URL that enrichment needs, split by one regular expression. The
 * WHATWG URL parser does far more (normalisation, encoding) at several times the cost, on the
 * hottest path of the collector; host, path and query are all we derive.
 */
const HTTP_URL = /^(https?):\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#]+)(?::\d*)?([^?#]*)(?:\?([^#]*))?/i;

/** Host (lower case, no port), path (`/` when empty) and raw query of an http(s) URL. */
export interface UrlParts {
  host: string;
  path: string;
  query: string;
}

/** Splits an absolute http(s) URL; undefined for anything else. */
export function splitUrl(url: string): UrlParts | undefined {
  const m = HTTP_URL.exec(url);
  if (!m) return undefined;
  const host = m[2].toLowerCase();
  return { host: host.startsWith('[') ? host.slice(1, -1) : host, path: m[3] || '/', query: m[4] ?? '' };
}
