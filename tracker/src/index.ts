/**
 * clickstream.js: the browser tracker. One small script that captures page views (also on SPA
 * navigation), engaged time, scroll depth, outbound links, downloads, forms, media and tagged
 * clicks, and delivers them in batches that survive flaky networks and page unloads.
 *
 * Settings come from data attributes on the script tag (`data-collector`, `data-site`, `data-party-days`, `data-auto`,
 * `data-respect-dnt`, `data-ping`, `data-cookie-domain`, `data-track-attribute`) or from
 * `clickstream.init({...})`. Nothing here may throw into the host page.
 */
import type { ClickEvent, EventType } from '../../contract/event';
import { clickEvents } from './clicks';
import { newId, uuid } from './random-ids';

/** What the tracker sends: the contract fields a client owns. */
type Outgoing = Pick<ClickEvent, 'eventId' | 'eventType' | 'partyId' | 'sessionId'> &
  Partial<
    Pick<
      ClickEvent,
      | 'eventName'
      | 'properties'
      | 'site'
      | 'clientTimestamp'
      | 'sentTimestamp'
      | 'pageViewId'
      | 'userId'
      | 'page'
      | 'screen'
      | 'locale'
      | 'commerce'
    >
  >;

interface Settings {
  collector: string;
  /** The site or app name the events carry (several sites on one stack). */
  site?: string;
  /** Lifetime of the visitor id cookie in days (default 395, the CNIL's 13 months). */
  partyDays: number;
  auto: boolean;
  respectDnt: boolean;
  ping: number;
  cookieDomain: string;
  attr: string;
}

const w = window;
const d = document;
const QUEUE_KEY = '_csq';
const QUEUE_MAX = 500;
const BATCH_MAX = 25;

const script = d.currentScript as HTMLScriptElement | null;
const data = (name: string) => script?.getAttribute(`data-${name}`) ?? undefined;
const settings: Settings = {
  collector: data('collector') ?? (script?.src ? new URL(script.src).origin : location.origin),
  site: data('site'),
  partyDays: Number(data('party-days') ?? 395),
  auto: data('auto') !== 'false',
  respectDnt: data('respect-dnt') === 'true',
  ping: Number(data('ping') ?? 15),
  cookieDomain: data('cookie-domain') ?? '',
  attr: data('track-attribute') ?? 'data-track',
};

const safe =
  <A extends unknown[], R>(fn: (...args: A) => R) =>
  (...args: A): R | undefined => {
    try {
      return fn(...args);
    } catch {
      return undefined;
    }
  };

// ---- ids -------------------------------------------------------------------------------

const cookie = (name: string) => d.cookie.match(new RegExp(`(?:^|; )${name}=([^;]*)`))?.[1];
const setCookie = (name: string, value: string, maxAge: number) => {
  d.cookie = `${name}=${value}; path=/; max-age=${maxAge}; samesite=lax${settings.cookieDomain ? `; domain=${settings.cookieDomain}` : ''}${location.protocol === 'https:' ? '; secure' : ''}`;
};
/** Party id (~2 years) and session id (30 minutes of inactivity), refreshed on every event. */
const ids = () => {
  const party = cookie('_csp') ?? newId();
  const session = cookie('_css') ?? newId();
  setCookie('_csp', party, settings.partyDays * 86400);
  setCookie('_css', session, 1800);
  return { party, session };
};

// ---- consent ---------------------------------------------------------------------------

const nav = navigator as Navigator & { globalPrivacyControl?: boolean };
const optedOut = () => cookie('_cso') === '1' || (settings.respectDnt && (nav.doNotTrack === '1' || nav.globalPrivacyControl === true));

// ---- queue and delivery ----------------------------------------------------------------

const load = (): Outgoing[] => {
  try {
    return JSON.parse(localStorage.getItem(QUEUE_KEY) ?? '[]') as Outgoing[];
  } catch {
    return [];
  }
};
let queue: Outgoing[] = load();
const save = safe(() => localStorage.setItem(QUEUE_KEY, JSON.stringify(queue)));
let sending = false;
let backoff = 0;
let timer: ReturnType<typeof setTimeout> | undefined;

/** Sends the oldest batch; on 2xx or a permanent 4xx it leaves the queue, otherwise it is retried with backoff. */
const flush = safe((leaving?: boolean) => {
  if (sending || queue.length === 0) return;
  const batch = queue.slice(0, BATCH_MAX);
  const sent = new Date().toISOString();
  const body = JSON.stringify(batch.map((e) => ({ ...e, sentTimestamp: sent })));
  sending = true;
  fetch(`${settings.collector}/collect`, {
    method: 'POST',
    body,
    keepalive: leaving || undefined,
    credentials: 'include',
    headers: { 'Content-Type': 'text/plain' },
  })
    .then((res) => {
      if (res.status === 503 || res.status === 429 || res.status >= 500) throw 0;
      const done = new Set(batch.map((e) => e.eventId));
      queue = queue.filter((e) => !done.has(e.eventId));
      save();
      backoff = 0;
    })
    .catch(() => {
      backoff = Math.min(60000, backoff ? backoff * 2 : 1000);
    })
    .finally(() => {
      sending = false;
      schedule(backoff);
    });
});

const schedule = (delay: number) => {
  if (timer || queue.length === 0) return;
  timer = setTimeout(() => {
    timer = undefined;
    flush();
  }, delay);
};

// ---- events ----------------------------------------------------------------------------

let userId: string | undefined = cookie('_csu') && decodeURIComponent(cookie('_csu')!);
let pageViewId = newId();
let pageUrl = location.href;
let referrer = d.referrer;

/** Queues one event; never throws. Returns its id. */
const track = safe(
  (
    eventType: EventType,
    eventName?: string,
    properties?: Record<string, unknown>,
    commerce?: ClickEvent['commerce'],
  ): string | undefined => {
    if (optedOut()) return undefined;
    const { party, session } = ids();
    const event: Outgoing = {
      eventId: uuid(),
      eventType,
      eventName,
      properties,
      site: settings.site,
      clientTimestamp: new Date().toISOString(),
      partyId: party,
      sessionId: session,
      pageViewId,
      userId,
      page: { url: location.href, title: d.title || undefined, referrer: referrer || undefined },
      screen: { width: screen.width, height: screen.height, viewportWidth: innerWidth, viewportHeight: innerHeight },
      locale: { language: navigator.language, timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone },
      commerce,
    };
    queue.push(JSON.parse(JSON.stringify(event)) as Outgoing);
    if (queue.length > QUEUE_MAX) queue.splice(0, queue.length - QUEUE_MAX);
    save();
    schedule(backoff || 100);
    return event.eventId;
  },
);

let depths: number[] = [];
let engaged = 0;
let active = Date.now();

/** Starts a new page view: new id, scroll milestones and engaged time reset. */
const pageView = safe(() => {
  pageViewId = newId();
  depths = [];
  engaged = 0;
  track('pageView');
});

const navigated = safe(() => {
  if (location.href === pageUrl) return;
  referrer = pageUrl;
  pageUrl = location.href;
  pageView();
});

const on = (target: EventTarget, type: string, fn: (e: Event) => void, capture = true) =>
  target.addEventListener(type, safe(fn) as EventListener, { capture, passive: true });

/** Clicks on `data-track` elements, downloads and outbound links. */
const onClick = (e: Event) => {
  for (const c of clickEvents(e.target as Element, settings.attr, location)) track(c.type, c.name, c.props, c.commerce);
};

const autoCapture = () => {
  for (const method of ['pushState', 'replaceState'] as const) {
    const original = history[method];
    history[method] = function (this: History, ...args: Parameters<History['pushState']>) {
      const result = original.apply(this, args);
      navigated();
      return result;
    };
  }
  on(w, 'popstate', navigated);

  // Engaged time: seconds the page was visible with input in the last 5 seconds.
  for (const type of ['mousemove', 'keydown', 'scroll', 'touchstart']) on(d, type, () => (active = Date.now()));
  setInterval(
    safe(() => {
      if (d.visibilityState === 'visible' && Date.now() - active < 5000) engaged++;
      if (engaged >= settings.ping) {
        track('pagePing', undefined, { engagedSeconds: engaged });
        engaged = 0;
      }
    }),
    1000,
  );

  on(w, 'scroll', () => {
    const depth = ((scrollY + innerHeight) / Math.max(1, d.documentElement.scrollHeight)) * 100;
    for (const m of [25, 50, 75, 100]) {
      if (depth >= m - 0.5 && !depths.includes(m)) {
        depths.push(m);
        track('scroll', undefined, { depth: m });
      }
    }
  });

  on(d, 'click', onClick);

  on(d, 'submit', (e) => {
    const form = e.target as HTMLFormElement;
    const fields = [...form.elements].map((f) => (f as HTMLInputElement).name).filter((n, i, all) => n && all.indexOf(n) === i);
    const name = form.id || form.getAttribute('name') || undefined;
    track('formSubmit', name, { formId: name, action: form.getAttribute('action') ?? undefined, fields });
  });

  for (const type of ['play', 'pause', 'ended']) {
    on(d, type, (e) => {
      const m = e.target as HTMLMediaElement;
      track('mediaEvent', type, {
        mediaId: m.id || m.currentSrc,
        currentTime: Math.round(m.currentTime * 10) / 10,
        duration: Number.isFinite(m.duration) ? m.duration : undefined,
      });
    });
  }
};

// Deliver what is queued when the page goes away; unacknowledged events stay in storage.
on(d, 'visibilitychange', () => d.visibilityState === 'hidden' && flush(true));
on(w, 'pagehide', () => flush(true));

/** The public API, in the spirit of divolte.js. */
const api = {
  /** Sends a custom event; returns its id. */
  signal: (name: string, properties?: Record<string, unknown>) => track('custom', String(name), properties),
  /** Attaches the site's own user id to every following event (pass nothing to clear it). */
  identify: safe((id?: string) => {
    userId = id || undefined;
    setCookie('_csu', id ? encodeURIComponent(id) : '', id ? settings.partyDays * 86400 : 0);
  }),
  /** Stops all tracking on this browser and drops what is queued. */
  optOut: safe(() => {
    setCookie('_cso', '1', 63072000);
    queue = [];
    save();
  }),
  /** Allows tracking again after {@link api.optOut}. */
  optIn: safe(() => setCookie('_cso', '', 0)),
  /** Records a page view by hand (for sites that turn off automatic capture). */
  pageView,
  /** Sends the queue now. */
  flush: () => flush(),
  /** Current ids, for joining with the site's own data. */
  ids: () => ({ partyId: cookie('_csp'), sessionId: cookie('_css'), pageViewId }),
  /** Overrides settings and starts automatic capture if it was deferred with `data-auto="false"`. */
  init: safe((options: Partial<Settings>) => {
    Object.assign(settings, options);
    if (options.auto) start();
  }),
};

let started = false;
const start = () => {
  if (started) return;
  started = true;
  autoCapture();
  pageView();
};

(w as unknown as { clickstream: typeof api }).clickstream = api;
if (settings.auto) start();
schedule(0);
