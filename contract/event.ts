/**
 * The clickstream event contract: the one definition every part of the stack uses.
 *
 * The schema is JSON Schema built with TypeBox, so the TypeScript types below are derived
 * from it rather than written a second time. The collector validates against it, the
 * processors decode with it, and the Redshift DDL, the OpenSearch mapping and the archive
 * layout are generated from it (see `columns.ts`).
 */
import { Type, type Static } from '@sinclair/typebox';

/** Version of this contract carried in every event; bump the minor for additive changes. */
export const SCHEMA_VERSION = '1.0.0';

/**
 * Limits on string fields, in characters. Client-supplied values above them are rejected, never
 * truncated; fields the collector derives (user agent, campaign) are cut to fit.
 */
export const LIMITS = {
  id: 128,
  short: 256,
  url: 4096,
  userAgent: 1024,
  /** A site or app name. */
  site: 128,
  /** Serialized size of the custom `properties` object, in bytes. */
  propertiesBytes: 8192,
  /** Number of keys in `properties`. */
  propertiesKeys: 64,
  /** Length of a key in `properties`. */
  propertyName: 128,
  /** Levels of objects and arrays inside `properties` (the object itself is level 1). */
  propertiesDepth: 16,
  /** Levels of objects and arrays in a whole request body (JSON batches, Snowplow payloads). */
  bodyDepth: 32,
} as const;

/** The id alphabet: cookie-safe, header-safe and URL-safe, so ids can be echoed as they are. */
export const ID_PATTERN = /^[A-Za-z0-9~_:.!-]{1,128}$/;

/** Every event type the stack understands. Snowplow's map onto the last five, and onto `screenView` (mobile trackers). */
export const EVENT_TYPES = [
  'pageView',
  'pagePing',
  'click',
  'linkClick',
  'download',
  'formSubmit',
  'scroll',
  'mediaEvent',
  'screenView',
  'custom',
  'structured',
  'selfDescribing',
  'transaction',
  'transactionItem',
] as const;

/** Where an event entered the stack. */
export const SOURCES = ['tracker', 'pixel', 'snowplow', 'import'] as const;

/** How the visitor reached the page, derived from the referrer. */
export const REFERRER_MEDIUMS = ['direct', 'internal', 'search', 'social', 'email', 'external'] as const;

/** Device classes reported by the user-agent parser, `desktop` when it names none. */
export const DEVICE_TYPES = ['desktop', 'mobile', 'tablet', 'smarttv', 'console', 'wearable', 'embedded', 'bot'] as const;

const str = (maxLength: number) => Type.String({ maxLength });
const optStr = (maxLength: number) => Type.Optional(Type.String({ maxLength }));
const id = Type.String({ maxLength: LIMITS.id, pattern: '^[A-Za-z0-9~_:.!-]+$' });
/** A real instant in the accepted window (checked by parsing: see instant.ts), stored as TIMESTAMP. */
const timestamp = Type.String({ format: 'date-time', maxLength: 40 });
const optInt = (minimum: number, maximum: number) => Type.Optional(Type.Integer({ minimum, maximum }));
/** A string enum as plain JSON Schema `enum`, so validation errors list the allowed values. */
const literals = <T extends readonly string[]>(values: T) => Type.Unsafe<T[number]>({ type: 'string', enum: [...values] });

/** The page an event happened on. */
export const PageSchema = Type.Object(
  {
    url: str(LIMITS.url),
    host: optStr(LIMITS.short),
    path: optStr(LIMITS.url),
    query: optStr(LIMITS.url),
    title: optStr(LIMITS.short * 4),
    referrer: optStr(LIMITS.url),
    referrerHost: optStr(LIMITS.short),
    referrerMedium: Type.Optional(literals(REFERRER_MEDIUMS)),
  },
  { additionalProperties: false },
);

/** Campaign attribution from utm parameters and advertising click ids. */
export const CampaignSchema = Type.Object(
  {
    source: optStr(LIMITS.short),
    medium: optStr(LIMITS.short),
    name: optStr(LIMITS.short),
    term: optStr(LIMITS.short),
    content: optStr(LIMITS.short),
    clickId: optStr(LIMITS.short),
    clickIdNetwork: optStr(LIMITS.short),
  },
  { additionalProperties: false },
);

/** The visitor's device as parsed from the user agent. */
export const DeviceSchema = Type.Object(
  {
    userAgent: optStr(LIMITS.userAgent),
    browser: optStr(LIMITS.short),
    browserVersion: optStr(LIMITS.short),
    os: optStr(LIMITS.short),
    osVersion: optStr(LIMITS.short),
    type: Type.Optional(literals(DEVICE_TYPES)),
    isBot: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

/** Screen and viewport sizes in CSS pixels. */
export const ScreenSchema = Type.Object(
  {
    width: optInt(0, 100000),
    height: optInt(0, 100000),
    viewportWidth: optInt(0, 100000),
    viewportHeight: optInt(0, 100000),
  },
  { additionalProperties: false },
);

/** Language and time zone reported by the browser. */
export const LocaleSchema = Type.Object({ language: optStr(64), timeZone: optStr(64) }, { additionalProperties: false });

/** Network origin: the IP is anonymised by the collector unless configured otherwise. */
export const NetworkSchema = Type.Object(
  { ip: optStr(64), country: Type.Optional(Type.String({ pattern: '^[A-Z]{2}$', maxLength: 2 })) },
  { additionalProperties: false },
);

/** Shop activity: product views, cart changes, purchases. */
export const CommerceSchema = Type.Object(
  {
    action: optStr(64),
    productId: optStr(LIMITS.short),
    brand: optStr(LIMITS.short),
    category: optStr(LIMITS.short),
    quantity: Type.Optional(Type.Integer({ minimum: -1000000, maximum: 1000000 })),
    price: Type.Optional(Type.Number({ minimum: -1e12, maximum: 1e12 })),
    currency: Type.Optional(Type.String({ pattern: '^[A-Z]{3}$', maxLength: 3 })),
    orderId: optStr(LIMITS.short),
  },
  { additionalProperties: false },
);

/** One clickstream event as it travels on Kafka, lands in the warehouse, the search index and the archive. */
export const EventSchema = Type.Object(
  {
    schemaVersion: Type.String({ pattern: '^1\\.[0-9]+\\.[0-9]+$', maxLength: 16 }),
    eventId: Type.String({ format: 'uuid' }),
    eventType: literals(EVENT_TYPES),
    /** Name of a custom event, the action of a structured event, or the schema of a self-describing one. */
    eventName: optStr(LIMITS.short),
    /** Free-form properties of custom and self-describing events. */
    properties: Type.Optional(
      Type.Unsafe<Record<string, unknown>>({
        type: 'object',
        maxProperties: LIMITS.propertiesKeys,
        propertyNames: { maxLength: LIMITS.propertyName },
        additionalProperties: true,
      }),
    ),
    source: literals(SOURCES),
    /** The site or app the event belongs to (tracker `data-site`, Snowplow `aid`), for stacks that serve several. */
    site: optStr(LIMITS.site),
    clientTimestamp: Type.Optional(timestamp),
    sentTimestamp: Type.Optional(timestamp),
    receivedTimestamp: timestamp,
    partyId: id,
    sessionId: id,
    pageViewId: Type.Optional(id),
    userId: optStr(LIMITS.short),
    page: Type.Optional(PageSchema),
    campaign: Type.Optional(CampaignSchema),
    device: Type.Optional(DeviceSchema),
    screen: Type.Optional(ScreenSchema),
    locale: Type.Optional(LocaleSchema),
    network: Type.Optional(NetworkSchema),
    commerce: Type.Optional(CommerceSchema),
    /** HTTP status of the request, for events imported from server logs. */
    httpStatus: optInt(100, 599),
  },
  { additionalProperties: false, $id: 'https://clickstream-stack.dev/schemas/event/1.0.0' },
);

/** A validated clickstream event. */
export type ClickEvent = Static<typeof EventSchema>;
/** One of {@link EVENT_TYPES}. */
export type EventType = ClickEvent['eventType'];
/** One of {@link SOURCES}. */
export type EventSource = ClickEvent['source'];
/** One of {@link REFERRER_MEDIUMS}. */
export type ReferrerMedium = (typeof REFERRER_MEDIUMS)[number];
/** One of {@link DEVICE_TYPES}. */
export type DeviceType = (typeof DEVICE_TYPES)[number];
export type Page = Static<typeof PageSchema>;
export type Campaign = Static<typeof CampaignSchema>;
export type Device = Static<typeof DeviceSchema>;
export type Commerce = Static<typeof CommerceSchema>;
