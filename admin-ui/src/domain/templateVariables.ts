/**
 * A check of a notification template's `{{…}}` references against the documented variables
 * (the `templateVariables` query), run as the operator types so a misspelt name is flagged before
 * the server refuses the template. It applies the notification service's rules (names and depth
 * from `@ops/rules`): item fields are written without the `items.` prefix inside
 * `{{#each items}}`, where `this`, `@index`, `@first`, `@last` and `../name` also work; `@root.name` works anywhere; the helpers are `yen`, `date` and
 * `datetime`, the block helpers `if`, `unless`, `each` and `with`, nested at most
 * `MAX_BLOCK_DEPTH` deep. The server stays the judge (it parses with Handlebars); this is a fast,
 * forgiving scan. Pure.
 */

import { BLOCK_HELPERS, HELPER_NAMES, MAX_BLOCK_DEPTH } from "@ops/rules";
import { mustaches, parseCall, parsePath, type Call, type Expr } from "./templateSyntax";

/** The helpers, block helpers and nesting depth are the notification service's own (`@ops/rules`). */
export { BLOCK_HELPERS, MAX_BLOCK_DEPTH };
export const HELPERS = HELPER_NAMES;
const EACH_DATA = ["index", "first", "last"];

export type TemplateProblem =
  /** A name that is not documented here; `allowed` are the names that are. `parent`: write `../name`. */
  | { kind: "unknownVariable"; name: string; line: number; allowed: string[]; parent?: boolean }
  /** `@index`, `@first` or `@last` outside `{{#each}}`. */
  | { kind: "eachOnly"; name: string; line: number }
  | { kind: "unknownHelper"; name: string; line: number; allowed: string[] }
  /** `{{#each x}}` over something that is not a list. */
  | { kind: "notList"; name: string; line: number }
  /** Partials and decorators. */
  | { kind: "unsupported"; name: string; line: number }
  | { kind: "unclosed"; name: string; line: number }
  /** A block opened inside `max` others. */
  | { kind: "tooDeep"; name: string; line: number; max: number }
  | { kind: "unexpectedClose"; name: string; line: number };

type Shape = { kind: "scalar" } | { kind: "list"; of: Shape } | { kind: "object"; fields: Map<string, Shape> };

interface Scope {
  shape: Shape;
  params: Map<string, Shape>;
  inEach: boolean;
}

const SCALAR: Shape = { kind: "scalar" };

/** The shape of the order the variables describe: `items` and `items.product_name` make a list of items. */
export function variablesShape(variables: readonly string[]): Shape {
  const root = new Map<string, Shape>();
  for (const name of variables) {
    const [head, field] = name.split(".", 2) as [string, string | undefined];
    if (field === undefined) {
      if (!root.has(head)) root.set(head, SCALAR);
      continue;
    }
    let list = root.get(head);
    if (!list || list.kind !== "list") {
      list = { kind: "list", of: { kind: "object", fields: new Map() } };
      root.set(head, list);
    }
    if (list.of.kind === "object") list.of.fields.set(field, SCALAR);
  }
  return { kind: "object", fields: root };
}

const fieldNames = (shape: Shape): string[] => (shape.kind === "object" ? [...shape.fields.keys()] : []);

interface Block {
  name: string;
  line: number;
  pushed: boolean;
}

class Checker {
  readonly problems: TemplateProblem[] = [];
  readonly scopes: Scope[];
  readonly blocks: Block[] = [];
  line = 1;

  constructor(private readonly root: Shape) {
    this.scopes = [{ shape: root, params: new Map(), inEach: false }];
  }

  get scope(): Scope {
    return this.scopes[this.scopes.length - 1]!;
  }

  report(problem: TemplateProblem) {
    this.problems.push(problem);
  }

  allowed(scope: Scope): string[] {
    const names = fieldNames(scope.shape);
    return scope.inEach ? [...names, "this", "@index", "@first", "@last"] : names;
  }

  walk(start: Shape, parts: string[], original: string, scope: Scope): Shape {
    let shape = start;
    for (const part of parts) {
      const next = shape.kind === "object" ? shape.fields.get(part) : undefined;
      if (next) shape = next;
      else if (shape.kind === "list" && part === "length") shape = SCALAR;
      else return this.unknown(original, scope);
    }
    return shape;
  }

  unknown(name: string, scope: Scope): Shape {
    const parent = scope.inEach && fieldNames(this.root).includes(name);
    this.report({ kind: "unknownVariable", name, line: this.line, allowed: this.allowed(scope), ...(parent ? { parent } : {}) });
    return SCALAR;
  }

  expression(expr: Expr | undefined): Shape {
    if (!expr || expr.kind === "literal") return SCALAR;
    if (expr.kind === "sub") return this.call(expr.call, true);
    const path = parsePath(expr.text);
    const scope = this.scope;
    if (path.data) {
      const [head, ...rest] = path.parts;
      if (head === "root") return this.walk(this.root, rest, expr.text, scope);
      if (head !== undefined && EACH_DATA.includes(head) && rest.length === 0) {
        if (!this.scopes.some((s) => s.inEach)) this.report({ kind: "eachOnly", name: expr.text, line: this.line });
        return SCALAR;
      }
      return this.unknown(expr.text, scope);
    }
    const [head, ...rest] = path.parts;
    if (path.depth === 0 && head !== undefined) {
      for (let i = this.scopes.length - 1; i >= 0; i -= 1) {
        const param = this.scopes[i]!.params.get(head);
        if (param) return this.walk(param, rest, expr.text, scope);
      }
    }
    const target = this.scopes[this.scopes.length - 1 - path.depth];
    if (!target) return this.unknown(expr.text, scope);
    return this.walk(target.shape, path.parts, expr.text, target);
  }

  /** A mustache or sub-expression: a helper call when it has arguments, a variable otherwise. */
  call(call: Call, sub = false): Shape {
    const args = [...call.params, ...call.hash];
    if (args.length === 0 && !sub) return this.expression(call.head);
    const name = call.head?.kind === "path" ? call.head.text : "?";
    if (!HELPERS.includes(name)) this.report({ kind: "unknownHelper", name, line: this.line, allowed: [...HELPERS] });
    for (const arg of args) this.expression(arg);
    return SCALAR;
  }

  /** Opens (or, after `{{else}}`, continues) a block; returns whether it pushed a scope. */
  open(call: Call): boolean {
    const name = call.head?.kind === "path" ? call.head.text : "?";
    if (!(BLOCK_HELPERS as readonly string[]).includes(name)) {
      this.report({ kind: "unknownHelper", name: `#${name}`, line: this.line, allowed: BLOCK_HELPERS.map((h) => `#${h}`) });
      return false;
    }
    const subject = call.params[0];
    const shape = this.expression(subject);
    if (name === "if" || name === "unless") return false;
    const [item, index] = call.blockParams;
    if (name === "each") {
      if (shape.kind !== "list") {
        if (subject?.kind === "path") this.report({ kind: "notList", name: subject.text, line: this.line });
        return false;
      }
      const params = new Map<string, Shape>();
      if (item) params.set(item, shape.of);
      if (index) params.set(index, SCALAR);
      this.scopes.push({ shape: shape.of, params, inEach: true });
      return true;
    }
    this.scopes.push({ shape, params: new Map(item ? [[item, shape]] : []), inEach: this.scope.inEach });
    return true;
  }

  /** Opens a block on the stack (`pushed`: it entered a scope), noticing when it nests too deep. */
  enter(name: string, pushed: boolean) {
    this.blocks.push({ name, line: this.line, pushed });
    if (this.blocks.length > MAX_BLOCK_DEPTH) this.report({ kind: "tooDeep", name, line: this.line, max: MAX_BLOCK_DEPTH });
  }

  close(name: string) {
    const block = this.blocks.pop();
    if (!block) {
      this.report({ kind: "unexpectedClose", name, line: this.line });
      return;
    }
    if (block.pushed) this.scopes.pop();
    if (block.name !== name) this.report({ kind: "unexpectedClose", name, line: this.line });
  }

  /** `{{else}}`, `{{^}}` or a chained `{{else if x}}`: the rest of the block runs in the outer scope. */
  otherwise(rest: string) {
    const block = this.blocks[this.blocks.length - 1];
    if (!block) return;
    if (block.pushed) this.scopes.pop();
    block.pushed = rest.trim() ? this.open(parseCall(rest)) : false;
  }

  statement(inner: string) {
    const text = inner.trim();
    const sigil = text[0] ?? "";
    if (sigil === "#" && text[1] === ">") {
      // A partial block: refused by the service, but its {{/name}} must still close it here.
      this.report({ kind: "unsupported", name: text, line: this.line });
      this.enter(text.slice(2).trim().split(/\s/)[0] ?? "", false);
    } else if (sigil === "#" && text[1] === "*") {
      this.report({ kind: "unsupported", name: text, line: this.line });
    } else if (sigil === "#") {
      const call = parseCall(text.slice(1));
      const name = call.head?.kind === "path" ? call.head.text : "?";
      this.enter(name, this.open(call));
    } else if (sigil === "/") {
      this.close(text.slice(1).trim());
    } else if (sigil === "^") {
      const rest = text.slice(1).trim();
      if (rest) {
        // An inverted section is a block in Handlebars; the service refuses any but the four helpers.
        this.report({ kind: "unknownHelper", name: `^${rest.split(/\s/)[0]}`, line: this.line, allowed: BLOCK_HELPERS.map((h) => `#${h}`) });
        this.enter(rest.split(/\s/)[0] ?? "", false);
      } else this.otherwise("");
    } else if (/^else(\s|$)/.test(text)) {
      this.otherwise(text.slice(4));
    } else if (sigil === ">" || sigil === "*") {
      this.report({ kind: "unsupported", name: text, line: this.line });
    } else {
      this.call(parseCall(sigil === "&" ? text.slice(1) : text));
    }
  }
}

/**
 * The problems in `source`'s references, given the documented `variables` (names as the
 * `templateVariables` query gives them: `order_id`, `items`, `items.product_name`…), in the order
 * they appear; each problem once.
 */
export function checkTemplateVariables(source: string, variables: readonly string[]): TemplateProblem[] {
  const checker = new Checker(variablesShape(variables));
  for (const mustache of mustaches(source)) {
    checker.line = mustache.line;
    checker.statement(mustache.inner);
  }
  for (const block of checker.blocks) checker.report({ kind: "unclosed", name: block.name, line: block.line });
  const seen = new Set<string>();
  return checker.problems.filter((p) => {
    const key = `${p.kind}|${p.name}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
