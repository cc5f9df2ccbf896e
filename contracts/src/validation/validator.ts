/**
 * The core of the validator toolkit: a validator walks an untrusted value (an event's `data`, as
 * JSON.parse left it), reports every problem with the path where it found it (`orders[3].id`),
 * and, when it found none, the value is known to have the contract's type. Validators never
 * transform: the value that passes is the value that was checked, unknown extra fields included
 * (a producer may add a field before its receivers read it).
 */

/** One thing wrong with a value: where (`orders[3].items[0].quantity`, `""` for the root) and what. */
export interface Problem {
  path: string;
  problem: string;
}

/** The outcome of `validate`: the typed value, or what is wrong with it. */
export type Checked<T> = { ok: true; value: T } | { ok: false; problems: Problem[] };

/**
 * Most problems one validation reports. A hostile or broken event of 2,000 bad orders would
 * otherwise produce 20,000 lines; the first few say what is wrong, and walking stops there.
 */
export const MAX_PROBLEMS = 20;

/** The problems found so far; `full` once MAX_PROBLEMS were found (validators then stop walking). */
export class Problems {
  readonly list: Problem[] = [];

  add(path: string, problem: string): void {
    if (this.list.length < MAX_PROBLEMS) this.list.push({ path, problem });
  }

  get full(): boolean {
    return this.list.length >= MAX_PROBLEMS;
  }
}

/**
 * Checks a value of type `T`. `check` reports into `problems` and returns whether the value
 * passed; `_type` only carries `T` for the compiler (it is never set).
 */
export interface Validator<T> {
  readonly check: (value: unknown, path: string, problems: Problems) => boolean;
  readonly _type?: T;
}

/** The type a validator accepts. */
export type Infer<V> = V extends Validator<infer T> ? T : never;

/** Builds a validator from its check. */
export function validator<T>(check: (value: unknown, path: string, problems: Problems) => boolean): Validator<T> {
  return { check };
}

/** Runs `v` on `value`: the value typed as `T`, or the problems found (at most MAX_PROBLEMS). */
export function validate<T>(v: Validator<T>, value: unknown): Checked<T> {
  const problems = new Problems();
  return v.check(value, "", problems) ? { ok: true, value: value as T } : { ok: false, problems: problems.list };
}

/** `path` followed by the key `key` (`orders` + `id` → `orders.id`; at the root just `id`). */
export function keyPath(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

/** `path` followed by the index `index` (`orders` + 3 → `orders[3]`). */
export function indexPath(path: string, index: number): string {
  return `${path}[${index}]`;
}

/** Problems as one line each (`orders[3].id: must be an integer`), for logs and dead letters. */
export function describeProblems(problems: readonly Problem[]): string {
  return problems.map((p) => (p.path ? `${p.path}: ${p.problem}` : p.problem)).join("; ");
}

/** What a value is, in a problem's words (`null`, `an array`, `a string`…). */
export function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (value === undefined) return "missing";
  const t = typeof value;
  return t === "object" ? "an object" : `a ${t}`;
}
