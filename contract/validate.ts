/**
 * Validation against the event contract, with errors that name the field.
 */
import Ajv, { type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import { EventSchema, LIMITS, type ClickEvent } from './event';

// 'fast' formats check shapes by regex only: this is the hot path of the collector and the processors.
const ajv = new Ajv({ allErrors: false, strict: true, allowUnionTypes: true });
addFormats(ajv, { mode: 'fast', formats: ['date-time', 'uuid'] });
const check = ajv.compile<ClickEvent>(EventSchema);

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
