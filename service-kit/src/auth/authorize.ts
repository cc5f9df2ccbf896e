/**
 * Role checks declared next to the schema: `@auth(requires: "operator")` on a Query or Mutation
 * field. Undeclared Query fields need "viewer" and undeclared Mutation fields need "admin"
 * (deny by default); `_service` only needs the router secret. Every mutation is also written to
 * the service's audit trail with its outcome.
 */
import { defaultFieldResolver, getNamedType, GraphQLError, Kind, type GraphQLField, type GraphQLSchema } from "graphql";
import { ForbiddenError, UnauthenticatedError } from "../errors.js";
import type { AuditLog } from "./auditLog.js";
import { isRole, roleAllows, type Identity, type Role } from "./roles.js";

export interface AuthContext {
  identity: Identity | null;
}

/** Throws UNAUTHENTICATED or FORBIDDEN (naming the role required) unless `identity` may act as `required`. */
export function assertRole(identity: Identity | null, required: Role, what: string): Identity {
  if (!identity) throw new UnauthenticatedError();
  if (identity.mustChangePassword) {
    throw new ForbiddenError("Change your password before doing anything else.", { params: { reason: "PASSWORD_CHANGE_REQUIRED" } });
  }
  if (!roleAllows(identity.role, required)) {
    throw new ForbiddenError(`${what} requires the ${required} role; you are signed in as ${identity.role}.`, {
      params: { required, role: identity.role },
    });
  }
  return identity;
}

type Args = Record<string, unknown>;

/** The object a mutation concerns: the result's id, else an id or name among its arguments. */
function objectId(args: Args, result: unknown): string | null {
  const input = (args.input ?? {}) as Args;
  const fromResult = (result as { id?: unknown } | null)?.id;
  const candidates = [fromResult, args.id, input.id, input.orderId, input.paymentId, args.name, input.name, args.orderId];
  const found = candidates.find((v) => typeof v === "string" || typeof v === "number");
  return found === undefined ? null : String(found);
}

function errorCode(err: unknown): string {
  return err instanceof GraphQLError && typeof err.extensions.code === "string" ? err.extensions.code : "INTERNAL_SERVER_ERROR";
}

/** The role an `@auth(requires: "…")` directive on `field` declares, if any. */
function declaredRole(field: GraphQLField<unknown, AuthContext>, where: string): Role | undefined {
  const directive = field.astNode?.directives?.find((d) => d.name.value === "auth");
  const arg = directive?.arguments?.find((a) => a.name.value === "requires");
  if (!arg) return undefined;
  const value = arg.value.kind === Kind.STRING ? arg.value.value : undefined;
  if (!isRole(value)) throw new Error(`@auth on ${where} names unknown role "${String(value)}"`);
  return value;
}

/**
 * Wraps the root fields of `schema` in place with role checks and, for mutations, the audit trail.
 * (In place: rebuilding the schema would drop the entity resolvers @apollo/subgraph attaches to types.)
 */
export function applyAuthorization(schema: GraphQLSchema, audit: AuditLog | null): GraphQLSchema {
  for (const type of [schema.getQueryType(), schema.getMutationType()]) {
    if (!type) continue;
    const isMutation = type === schema.getMutationType();
    for (const field of Object.values(type.getFields()) as GraphQLField<unknown, AuthContext>[]) {
      if (field.name === "_service") continue;
      const where = `${type.name}.${field.name}`;
      const required: Role = declaredRole(field, where) ?? (isMutation ? "admin" : "viewer");
      const resolve = field.resolve ?? defaultFieldResolver;
      if (!isMutation) {
        field.resolve = (src, args, ctx, info) => {
          assertRole(ctx.identity, required, where);
          return resolve(src, args, ctx, info);
        };
        continue;
      }
      const objectType = getNamedType(field.type).name;
      const action = field.name;
      field.resolve = async (src, args: Args, ctx, info) => {
        const at = new Date();
        try {
          assertRole(ctx.identity, required, action);
          const result: unknown = await resolve(src, args, ctx, info);
          await audit?.record({ at, identity: ctx.identity, action, objectType, objectId: objectId(args, result), outcome: "SUCCESS", errorCode: null, args });
          return result;
        } catch (err) {
          await audit?.record({ at, identity: ctx.identity, action, objectType, objectId: objectId(args, null), outcome: "FAILURE", errorCode: errorCode(err), args });
          throw err;
        }
      };
    }
  }
  return schema;
}
