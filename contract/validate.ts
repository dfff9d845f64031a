/**
 * Validation against the event contract, with errors that name the field.
 */
import Ajv, { _, str, type ErrorObject, type KeywordCxt } from 'ajv';
import addFormats from 'ajv-formats';
import ucs2length from 'ajv/dist/runtime/ucs2length';
import { EventSchema, LIMITS, type ClickEvent } from './event';

// 'fast' formats check shapes by regex only: this is the hot path of the collector and the processors.
const ajv = new Ajv({ allErrors: false, strict: true, allowUnionTypes: true });
addFormats(ajv, { mode: 'fast', formats: ['date-time', 'uuid'] });
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
    const size = Buffer.byteLength(JSON.stringify(props));
    if (size > LIMITS.propertiesBytes) {
      return { ok: false, reason: `properties is ${size} bytes, over the ${LIMITS.propertiesBytes}-byte limit` };
    }
  }
  return { ok: true, event: input };
}

/** Turns an ajv error into "field: problem", with the field as a dotted path. */
function describe(error: ErrorObject | undefined): string {
  if (!error) return 'event is invalid';
  const path = error.instancePath.slice(1).replace(/\//g, '.');
  if (error.propertyName !== undefined) return `${path}: key "${error.propertyName.slice(0, 40)}…" is longer than ${String(error.params.limit)} characters`;
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
      return `${path}: must be a valid ${String(error.params.format)}`;
    default:
      return `${path || 'event'}: ${error.message ?? 'is invalid'}`;
  }
}
