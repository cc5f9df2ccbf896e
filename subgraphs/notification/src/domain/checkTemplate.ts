/**
 * Decides whether a template may be saved: it must compile, its blocks may not nest deeper than
 * the rendering limit (renderLimits.ts), and every variable and helper it uses must be documented
 * (`@ops/rules`' templateVariables.ts). Walks the Handlebars AST with scope, so `{{#each items}}` exposes the
 * item fields and `../x` climbs back to the order. Pure.
 */
import Handlebars from "handlebars";
import { BLOCK_HELPERS, documentedVariables, HELPER_NAMES, ITEM_VARIABLES, ROOT_VARIABLES } from "@ops/rules";
import { BadUserInputError } from "@ops/service-kit";
import { RENDER_LIMITS, RenderLimitError } from "./renderLimits.js";
import { firstTooDeep } from "./templateDepth.js";

type Shape =
  | { kind: "scalar" }
  | { kind: "list"; of: Shape }
  | { kind: "object"; fields: Record<string, Shape>; prefix: string };

interface Scope {
  shape: Shape;
  blockParams: Map<string, Shape>;
  inEach: boolean;
}

const SCALAR: Shape = { kind: "scalar" };
const fieldsOf = (names: readonly { name: string }[], shape: (name: string) => Shape) =>
  Object.fromEntries(names.map((v) => [v.name, shape(v.name)]));
const ITEM: Shape = { kind: "object", prefix: "items.", fields: fieldsOf(ITEM_VARIABLES, () => SCALAR) };
const ROOT: Shape = {
  kind: "object",
  prefix: "",
  fields: fieldsOf(ROOT_VARIABLES, (name) => (name === "items" ? { kind: "list", of: ITEM } : SCALAR)),
};
const EACH_DATA = ["index", "first", "last"];
const ROOT_NAMES = ROOT_VARIABLES.map((v) => v.name);

export interface TemplateCheck {
  /** The documented variables the template uses, in documented order (`items.x` for item fields). */
  variables: string[];
}

class Walker {
  readonly used = new Set<string>();
  constructor(private readonly field: string) {}

  fail(message: string, params: Record<string, unknown>, node: hbs.AST.Node): never {
    const line = node.loc?.start.line;
    throw new BadUserInputError(line ? `${message} (line ${line})` : message, { field: this.field, params: { ...params, ...(line ? { line } : {}) } });
  }

  program(program: hbs.AST.Program | undefined, scopes: Scope[]): void {
    for (const statement of program?.body ?? []) this.statement(statement, scopes);
  }

  statement(node: hbs.AST.Statement, scopes: Scope[]): void {
    switch (node.type) {
      case "ContentStatement":
      case "CommentStatement":
        return;
      case "MustacheStatement":
        this.call(node as hbs.AST.MustacheStatement, scopes);
        return;
      case "BlockStatement":
        this.block(node as hbs.AST.BlockStatement, scopes);
        return;
      case "PartialStatement":
      case "PartialBlockStatement":
        return this.fail("Partials ({{> name}}) are not supported in notification templates", { reason: "partial" }, node);
      default:
        return this.fail(`${node.type} is not supported in notification templates`, { reason: node.type }, node);
    }
  }

  /** A mustache or sub-expression: a helper call when it has arguments, a variable otherwise. */
  call(node: hbs.AST.MustacheStatement | hbs.AST.SubExpression, scopes: Scope[]): Shape {
    const args = [...node.params, ...(node.hash?.pairs.map((p) => p.value) ?? [])];
    if (args.length === 0 && node.type === "MustacheStatement") return this.expression(node.path, scopes);
    const name = this.helperName(node.path);
    if (name === null || !HELPER_NAMES.includes(name)) {
      this.fail(`Unknown helper "${name ?? "?"}"; allowed helpers: ${HELPER_NAMES.join(", ")}`, { helper: name, allowed: HELPER_NAMES }, node);
    }
    for (const arg of args) this.expression(arg, scopes);
    return SCALAR;
  }

  block(node: hbs.AST.BlockStatement, scopes: Scope[]): void {
    const name = this.helperName(node.path);
    if (name === null || !(BLOCK_HELPERS as readonly string[]).includes(name)) {
      this.fail(`Unknown block helper "#${name ?? "?"}"; allowed: ${BLOCK_HELPERS.join(", ")}`, { helper: name, allowed: BLOCK_HELPERS }, node);
    }
    const [subject, ...extra] = node.params;
    if (!subject || extra.length || node.hash?.pairs.length) {
      this.fail(`{{#${name}}} takes exactly one argument`, { helper: name, reason: "arguments" }, node);
    }
    const shape = this.expression(subject, scopes);
    const current = scopes[scopes.length - 1]!;
    if (name === "if" || name === "unless") {
      this.program(node.program, scopes);
    } else if (name === "each") {
      if (shape.kind !== "list") {
        this.fail("{{#each}} can only iterate over items", { variable: this.original(subject), allowed: ["items"] }, node);
      }
      const [item, index] = node.program.blockParams ?? [];
      const params = new Map<string, Shape>([...(item ? [[item, shape.of] as const] : []), ...(index ? [[index, SCALAR] as const] : [])]);
      this.program(node.program, [...scopes, { shape: shape.of, blockParams: params, inEach: true }]);
    } else {
      const [alias] = node.program.blockParams ?? [];
      this.program(node.program, [...scopes, { shape, blockParams: new Map(alias ? [[alias, shape]] : []), inEach: current.inEach }]);
    }
    this.program(node.inverse, scopes);
  }

  expression(node: hbs.AST.Expression, scopes: Scope[]): Shape {
    if (node.type === "SubExpression") return this.call(node as hbs.AST.SubExpression, scopes);
    if (node.type !== "PathExpression") return SCALAR;
    const path = node as hbs.AST.PathExpression;
    const scope = scopes[scopes.length - 1]!;
    if (path.data) {
      const [head, ...rest] = path.parts;
      if (head === "root") return this.walk(ROOT, rest, path, scope);
      if (head !== undefined && EACH_DATA.includes(head) && rest.length === 0) {
        if (scopes.some((s) => s.inEach)) return SCALAR;
        this.fail(`"${path.original}" is only available inside {{#each items}}`, { variable: path.original, allowed: this.allowed(scope) }, path);
      }
      return this.unknown(path, scope);
    }
    const [head, ...rest] = path.parts;
    if (path.depth === 0 && head !== undefined) {
      for (let i = scopes.length - 1; i >= 0; i -= 1) {
        const param = scopes[i]!.blockParams.get(head);
        if (param) return this.walk(param, rest, path, scope);
      }
    }
    const target = scopes[scopes.length - 1 - path.depth];
    if (!target) this.fail(`"${path.original}" climbs above the order`, { variable: path.original, allowed: ROOT_NAMES }, path);
    return this.walk(target.shape, path.parts, path, target);
  }

  walk(start: Shape, parts: string[], path: hbs.AST.PathExpression, scope: Scope): Shape {
    let shape = start;
    for (const part of parts) {
      if (shape.kind === "object" && Object.hasOwn(shape.fields, part)) {
        this.used.add(`${shape.prefix}${part}`);
        shape = shape.fields[part]!;
      } else if (shape.kind === "list" && part === "length") {
        shape = SCALAR;
      } else {
        return this.unknown(path, scope);
      }
    }
    return shape;
  }

  allowed(scope: Scope): string[] {
    const allowed = scope.shape.kind === "object" ? Object.keys(scope.shape.fields) : [];
    if (scope.inEach) allowed.push("this", "@index", "@first", "@last");
    return allowed;
  }

  unknown(path: hbs.AST.PathExpression, scope: Scope): never {
    const allowed = this.allowed(scope);
    const hint = scope.inEach && ROOT_NAMES.includes(path.original) ? `; inside {{#each}} write ../${path.original}` : "";
    this.fail(`Unknown template variable "${path.original}"; allowed here: ${allowed.join(", ")}${hint}`, { variable: path.original, allowed }, path);
  }

  helperName(node: hbs.AST.Expression): string | null {
    const path = node as hbs.AST.PathExpression;
    return node.type === "PathExpression" && !path.data && path.depth === 0 && path.parts.length === 1 ? path.parts[0]! : null;
  }

  original(node: hbs.AST.Expression): string {
    return node.type === "PathExpression" ? (node as hbs.AST.PathExpression).original : node.type;
  }
}

/** Handlebars' parser reports a token list; operators need the line, column and what was wrong. */
function summariseCompileError(reason: string): { summary: string; line?: number } {
  const lines = reason.split("\n");
  const parse = /^Parse error on line (\d+):$/.exec(lines[0] ?? "");
  if (parse) {
    const column = (lines[2]?.indexOf("^") ?? -1) + 1;
    const got = /got '([^']+)'/.exec(reason)?.[1];
    const what = got === "EOF" ? "the template ends early (is a {{#block}} not closed?)" : `unexpected ${got ?? "input"}`;
    return { summary: `line ${parse[1]}, column ${column}: ${what}`, line: Number(parse[1]) };
  }
  const at = / - (\d+):(\d+)$/.exec(reason);
  return { summary: reason, ...(at ? { line: Number(at[1]) } : {}) };
}

/**
 * Checks one template source. Throws BAD_USER_INPUT with `field` and `params`
 * (`{ variable, allowed }`, `{ helper, allowed }`, `{ reason }`, or `{ limit: "depth", max, line }`)
 * when it cannot be saved.
 */
export function checkTemplate(source: string, field: string): TemplateCheck {
  let ast: hbs.AST.Program;
  try {
    // precompile, not compile: compile is lazy and would accept a broken template here.
    Handlebars.precompile(source);
    ast = Handlebars.parse(source);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    const { summary, line } = summariseCompileError(reason);
    throw new BadUserInputError(`The template does not compile: ${summary}`, {
      field,
      params: { reason, ...(line ? { line } : {}) },
    });
  }
  const tooDeep = firstTooDeep(ast, RENDER_LIMITS.depth);
  if (tooDeep) throw new RenderLimitError("depth", RENDER_LIMITS.depth, field, tooDeep.line);
  const walker = new Walker(field);
  walker.program(ast, [{ shape: ROOT, blockParams: new Map(), inEach: false }]);
  return { variables: documentedVariables().map((v) => v.name).filter((name) => walker.used.has(name)) };
}
