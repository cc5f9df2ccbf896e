/**
 * What every GraphQL server here (the gateway and each subgraph) refuses or hides about a request
 * itself, before any resolver runs:
 * - a document holding several operations without `operationName` (or naming one it lacks):
 *   400 BAD_REQUEST saying which operations there are (Apollo's gateway answered 500);
 * - a lone surrogate in the variables (400 BAD_USER_INPUT naming its path) or in the query (its
 *   parse error becomes BAD_USER_INPUT): not Unicode text, and SQLite drivers fail on it;
 * - "Did you mean …?" in any error message: suggestions spell out the schema to whoever guesses.
 */
import type { ApolloServerPlugin, BaseContext, GraphQLRequestContextDidResolveOperation } from "@apollo/server";
import { GraphQLError, Kind, type GraphQLFormattedError } from "graphql";
import { describeTextProblem, findLoneSurrogate, unicodeLabel, type TextProblem } from "./text.js";

function badRequest(message: string, field: string, params: Record<string, unknown>): GraphQLError {
  return new GraphQLError(message, { extensions: { code: "BAD_REQUEST", field, params, http: { status: 400 } } });
}

function textError(field: string, problem: TextProblem): GraphQLError {
  return new GraphQLError(`${field} contains ${describeTextProblem(problem)}: send well-formed text`, {
    extensions: { code: "BAD_USER_INPUT", field, params: { reason: problem.reason, position: problem.position, character: problem.character }, http: { status: 400 } },
  });
}

function loneSurrogateIn(value: string): TextProblem | null {
  const position = findLoneSurrogate(value);
  return position < 0 ? null : { reason: "loneSurrogate", position, character: unicodeLabel(value.charCodeAt(position)) };
}

/**
 * The first string (or object key) under `root` holding a lone surrogate, with its path such as
 * `variables.input.items.0.productName`. Iterative: a hostile, deeply nested value cannot
 * overflow the stack.
 */
export function findLoneSurrogateIn(root: unknown, rootPath: string): { field: string; problem: TextProblem } | null {
  const stack: [unknown, string][] = [[root, rootPath]];
  while (stack.length > 0) {
    const [value, path] = stack.pop()!;
    if (typeof value === "string") {
      const problem = loneSurrogateIn(value);
      if (problem) return { field: path, problem };
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push([value[i], `${path}.${i}`]);
    } else if (typeof value === "object" && value !== null) {
      const entries = Object.entries(value);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, child] = entries[i]!;
        const problem = loneSurrogateIn(key);
        if (problem) return { field: `${path}.${key}`, problem };
        stack.push([child, `${path}.${key}`]);
      }
    }
  }
  return null;
}

function operationNames<T extends BaseContext>(ctx: GraphQLRequestContextDidResolveOperation<T>): string[] {
  return ctx.document.definitions.flatMap((d) => (d.kind === Kind.OPERATION_DEFINITION ? [d.name?.value ?? "(anonymous)"] : []));
}

/** Throws the answer for a request Apollo resolved no operation for. */
function refuseUnresolvedOperation<T extends BaseContext>(ctx: GraphQLRequestContextDidResolveOperation<T>): void {
  const names = operationNames(ctx);
  const requested = ctx.request.operationName;
  if (requested) {
    throw badRequest(`The document has no operation named "${requested}"; it holds ${names.join(", ")}.`, "operationName", { operationName: requested, operationNames: names });
  }
  throw badRequest(`The document holds ${names.length} operations (${names.join(", ")}): say which one to run with operationName.`, "operationName", { operationNames: names });
}

/** The Apollo Server plugin: the gateway and every subgraph install it. */
export function requestHygiene<TContext extends BaseContext>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        // The first hook where Apollo answers a thrown error as a response (earlier ones become
        // 500), and still before any resolver or subgraph sees the variables.
        async didResolveOperation(ctx) {
          if (!ctx.operation) refuseUnresolvedOperation(ctx);
          const found = findLoneSurrogateIn(ctx.request.variables ?? {}, "variables");
          if (found) throw textError(found.field, found.problem);
        },
      };
    },
  };
}

// graphql-js's words for a lone surrogate in a document: written as such, or as an escape.
const RAW_SURROGATE = /^Syntax Error: Invalid character(?: within String)?: U\+(D[89A-F][0-9A-F]{2})\.$/;
const ESCAPED = /^Syntax Error: Invalid Unicode escape sequence: "\\u\{?0*([0-9A-Fa-f]{1,6})\}?"\.$/;
// "Did you mean "x"?", "Did you mean "x", "y", or "z"?", "Did you mean the enum value "X"?"
const SUGGESTION = /\s*Did you mean [^?]*\?/g;

function surrogateInQuery(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError | null {
  if (formatted.extensions?.code !== "GRAPHQL_PARSE_FAILED") return null;
  const raw = RAW_SURROGATE.exec(formatted.message)?.[1];
  const escaped = ESCAPED.exec(formatted.message)?.[1];
  const hex = raw ?? escaped;
  if (!hex) return null;
  const code = parseInt(hex, 16);
  if (code < 0xd800 || code > 0xdfff) return null;
  const position = error instanceof GraphQLError ? (error.positions?.[0] ?? 0) : 0;
  const problem: TextProblem = { reason: "loneSurrogate", position, character: unicodeLabel(code) };
  const { message, extensions } = textError("query", problem);
  const { http: _http, ...rest } = extensions;
  return { ...formatted, message, extensions: rest };
}

/**
 * The `formatError` step both kinds of server apply to every error: a lone surrogate in the
 * query said as BAD_USER_INPUT (the status stays 400), and suggestions removed from messages.
 */
export function formatRequestError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const said = surrogateInQuery(formatted, error) ?? formatted;
  if (!said.message.includes("Did you mean")) return said;
  return { ...said, message: said.message.replace(SUGGESTION, "") };
}
