/**
 * Validation against the event contract, with errors that name the field.
 */
import Ajv, { _, str, type ErrorObject, type KeywordCxt } from 'ajv';
import addFormats from 'ajv-formats';
import ucs2length from 'ajv/dist/runtime/ucs2length';
import { EventSchema, LIMITS, type ClickEvent } from './event';
import { INSTANT_WINDOW, isInstant, UUID_PATTERN } from './instant';

const ajv = new Ajv({ allErrors: false, strict: true, allowUnionTypes: true });
addFormats(ajv, { formats: [] });
// Only values every store can hold: real instants in the window, canonical 36-character UUIDs.
ajv.addFormat('date-time', { type: 'string', validate: isInstant });
ajv.addFormat('uuid', UUID_PATTERN);
countLengthOnlyWhenNeeded(ajv);
const check = ajv.compile<ClickEvent>(EventSchema);

/**
 * `maxLength` with JSON Schema's meaning (code points), counted only when the UTF-16 length
 * leaves a doubt: a code point is one or two units, so a string of at most `max` units has at
 * most `max` code points. Ajv's own keyword counts every string, a loop over each character on
 * the hot path.
 */
function countLengthOnlyWhenNeeded(instance: Ajv): void {
  instance.removeKeyword('maxLength');
  instance.addKeyword({
    keyword: 'maxLength',
    type: 'string',
    schemaType: 'number',
    error: {
      message: ({ schemaCode }) => str`must NOT have more than ${schemaCode} characters`,
      params: ({ schemaCode }) => _`{limit: ${schemaCode}}`,
    },
    code(cxt: KeywordCxt) {
      const count = cxt.gen.scopeValue('func', { ref: ucs2length });
      cxt.fail(_`${cxt.data}.length > ${cxt.schemaCode} && ${count}(${cxt.data}) > ${cxt.schemaCode}`);
    },
  });
}

/** Result of {@link validateEvent}: the typed event, or a reason naming the offending field. */
export type Validation = { ok: true; event: ClickEvent } | { ok: false; reason: string };

/** Validates one event against the contract. Pure and synchronous; safe on any input. */
export function validateEvent(input: unknown): Validation {
  if (!check(input)) return { ok: false, reason: describe(check.errors?.[0]) };
  const props = input.properties;
  if (props !== undefined) {
    if (deeperThan(props, LIMITS.propertiesDepth))
      return { ok: false, reason: `properties: nests deeper than ${LIMITS.propertiesDepth} levels` };
    const size = Buffer.byteLength(JSON.stringify(props));
    if (size > LIMITS.propertiesBytes) {
      return { ok: false, reason: `properties is ${size} bytes, over the ${LIMITS.propertiesBytes}-byte limit` };
    }
  }
  return { ok: true, event: input };
}

/**
 * True when objects and arrays in `value` nest more than `max` levels (`value` itself is level 1).
 * Iterative, so a hostile 30,000-level body cannot overflow the stack the way a recursive walk
 * (or `JSON.stringify`) would.
 */
export function deeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth > max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v))
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
  }
  return false;
}

/** Turns an ajv error into "field: problem", with the field as a dotted path. */
function describe(error: ErrorObject | undefined): string {
  if (!error) return 'event is invalid';
  const path = error.instancePath.slice(1).replace(/\//g, '.');
  if (error.propertyName !== undefined)
    return `${path}: key "${error.propertyName.slice(0, 40)}…" is longer than ${String(error.params.limit)} characters`;
  const at = (field: string) => (path ? `${path}.${field}` : field);
  switch (error.keyword) {
    case 'required':
      return `${at(String(error.params.missingProperty))}: is required`;
    case 'additionalProperties':
      return `${at(String(error.params.additionalProperty))}: is not a field of the event contract`;
    case 'type':
      return `${path || 'event'}: must be ${String(error.params.type)}`;
    case 'maxLength':
      return `${path}: is longer than ${String(error.params.limit)} characters`;
    case 'enum':
      return `${path}: must be one of ${(error.params.allowedValues as string[]).join(', ')}`;
    case 'format':
      if (error.params.format === 'date-time') return `${path}: must be an RFC 3339 date-time from ${INSTANT_WINDOW}`;
      return `${path}: must be a valid ${String(error.params.format)}`;
    default:
      return `${path || 'event'}: ${error.message ?? 'is invalid'}`;
  }
}
