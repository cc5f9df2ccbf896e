/**
 * Validators of single values: whole numbers, bounded strings, ISO timestamps and enumerations.
 * Every string has a maximum: an event is untrusted input, and nothing it carries may be
 * unbounded.
 */
import { kindOf, validator, type Validator } from "./validator.js";

/** A safe integer (JSON numbers beyond 2^53 − 1 are not exact) within `min`…`max`. */
export function int(bounds: { min?: number; max?: number } = {}): Validator<number> {
  const min = bounds.min ?? Number.MIN_SAFE_INTEGER;
  const max = bounds.max ?? Number.MAX_SAFE_INTEGER;
  return validator((value, path, problems) => {
    if (typeof value !== "number" || !Number.isSafeInteger(value)) {
      problems.add(path, `must be an integer, got ${typeof value === "number" ? String(value) : kindOf(value)}`);
      return false;
    }
    if (value < min) problems.add(path, `must be at least ${min}, got ${value}`);
    else if (value > max) problems.add(path, `must be at most ${max}, got ${value}`);
    else return true;
    return false;
  });
}

/** A string of `min` (default 0) to `max` characters (UTF-16 code units, as `length` counts). */
export function string(bounds: { min?: number; max: number }): Validator<string> {
  const min = bounds.min ?? 0;
  return validator((value, path, problems) => {
    if (typeof value !== "string") {
      problems.add(path, `must be a string, got ${kindOf(value)}`);
      return false;
    }
    if (value.length < min) problems.add(path, min === 1 ? "must not be empty" : `must have at least ${min} characters, got ${value.length}`);
    else if (value.length > bounds.max) problems.add(path, `must have at most ${bounds.max} characters, got ${value.length}`);
    else return true;
    return false;
  });
}

/** `2026-04-01T09:30:00.000Z`: an ISO 8601 date and time with its offset, as `toISOString` writes it. */
const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** True when the text is an ISO date-time of a day that exists (`Date.parse` takes February 30th). */
function isInstant(text: string): boolean {
  const m = ISO_DATE_TIME.exec(text);
  if (!m || !Number.isFinite(Date.parse(text))) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return month >= 1 && month <= 12 && day >= 1 && day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** An ISO 8601 date-time string that names a real instant. */
export function isoDateTime(): Validator<string> {
  return validator((value, path, problems) => {
    // The length check first: the pattern never runs on a megabyte of text.
    if (typeof value !== "string" || value.length > 40 || !isInstant(value)) {
      problems.add(path, `must be an ISO 8601 date-time such as 2026-04-01T09:30:00.000Z, got ${typeof value === "string" ? JSON.stringify(value.slice(0, 40)) : kindOf(value)}`);
      return false;
    }
    return true;
  });
}

/** One of `values`, exactly (case matters). */
export function oneOf<const T extends string>(values: readonly T[]): Validator<T> {
  const allowed = new Set<unknown>(values);
  return validator((value, path, problems) => {
    if (allowed.has(value)) return true;
    const got = typeof value === "string" ? JSON.stringify(value.slice(0, 40)) : kindOf(value);
    problems.add(path, `must be one of ${values.join(", ")}, got ${got}`);
    return false;
  });
}
