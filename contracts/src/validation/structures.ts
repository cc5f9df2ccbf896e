/**
 * Validators of composite values: objects with known fields, bounded arrays, and the `null` /
 * absent variants of any validator.
 */
import { indexPath, keyPath, kindOf, validator, type Infer, type Validator } from "./validator.js";

/** A validator whose key may be absent from its object (see `optional`). */
export interface OptionalValidator<T> extends Validator<T | undefined> {
  readonly optional: true;
}

type Shape = Record<string, Validator<unknown>>;
type OptionalKeys<S extends Shape> = { [K in keyof S]: S[K] extends OptionalValidator<unknown> ? K : never }[keyof S];
type RequiredKeys<S extends Shape> = Exclude<keyof S, OptionalKeys<S>>;
/** The object type a shape describes: its optional validators' keys become optional properties. */
export type ObjectOf<S extends Shape> = { [K in RequiredKeys<S>]: Infer<S[K]> } & { [K in OptionalKeys<S>]?: Infer<S[K]> };

/**
 * A plain object (not null, not an array) whose fields pass their validators. Fields the shape
 * does not name are allowed and left unchecked: a producer may add one before receivers read it.
 */
export function object<S extends Shape>(shape: S): Validator<ObjectOf<S>> {
  const fields = Object.entries(shape);
  return validator((value, path, problems) => {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      problems.add(path, `must be an object, got ${kindOf(value)}`);
      return false;
    }
    const record = value as Record<string, unknown>;
    let ok = true;
    for (const [key, field] of fields) {
      // Own properties only: `constructor` or `__proto__` must not satisfy a field.
      const present = Object.prototype.hasOwnProperty.call(record, key);
      if (!present && (field as Partial<OptionalValidator<unknown>>).optional) continue;
      if (!field.check(present ? record[key] : undefined, keyPath(path, key), problems)) ok = false;
      if (problems.full) return false;
    }
    return ok;
  });
}

/**
 * An array of `min` (default 0) to `max` items, each passing `item`. An array longer than `max`
 * is refused without looking at its items: the work stays bounded whatever was sent.
 */
export function array<T>(item: Validator<T>, bounds: { min?: number; max: number }): Validator<T[]> {
  const min = bounds.min ?? 0;
  return validator((value, path, problems) => {
    if (!Array.isArray(value)) {
      problems.add(path, `must be an array, got ${kindOf(value)}`);
      return false;
    }
    if (value.length > bounds.max) {
      problems.add(path, `must have at most ${bounds.max} items, got ${value.length}`);
      return false;
    }
    if (value.length < min) {
      problems.add(path, min === 1 ? "must not be empty" : `must have at least ${min} items, got ${value.length}`);
      return false;
    }
    let ok = true;
    for (let i = 0; i < value.length; i++) {
      if (!item.check(value[i], indexPath(path, i), problems)) ok = false;
      if (problems.full) return false;
    }
    return ok;
  });
}

/** `null`, or a value passing `v`. */
export function nullable<T>(v: Validator<T>): Validator<T | null> {
  return validator((value, path, problems) => value === null || v.check(value, path, problems));
}

/** In an `object`: the key may be absent (or `undefined`); when present, its value passes `v`. */
export function optional<T>(v: Validator<T>): OptionalValidator<T> {
  return { optional: true, check: (value, path, problems) => value === undefined || v.check(value, path, problems) };
}

/**
 * `v`, then a check of the whole value (a total across items, say) that runs only when `v`
 * passed; `rule` returns the problem, or null when there is none.
 */
export function refine<T>(v: Validator<T>, rule: (value: T) => { path: string; problem: string } | null): Validator<T> {
  return validator((value, path, problems) => {
    if (!v.check(value, path, problems)) return false;
    const broken = rule(value as T);
    if (!broken) return true;
    problems.add(broken.path ? keyPath(path, broken.path) : path, broken.problem);
    return false;
  });
}
