/**
 * What Hive Gateway does not do itself but our gateway does before any GraphQL work: refuse a
 * body over `MAX_BODY_BYTES` (413 PAYLOAD_TOO_LARGE, the same body as ours) whether or not the
 * client says its length, and — in production — refuse a request without credentials (401
 * UNAUTHENTICATED) before its document is parsed. Everything else a caller may do is checked by
 * the subgraphs, which verify the forwarded `Authorization` and enforce the roles.
 */
import type { GatewayPlugin } from "@graphql-hive/gateway";

/** A GraphQL-shaped error answer, as `gateway/src/errors.ts` sends them. */
function errorResponse(status: number, code: string, message: string, params?: Record<string, unknown>): Response {
  const body = JSON.stringify({ errors: [{ message, extensions: params ? { code, params } : { code } }] });
  return new Response(body, { status, headers: { "content-type": "application/json; charset=utf-8" } });
}

/** The body of `request` if it holds at most `max` bytes, else null (reading stops at the limit). */
async function readLimited(request: Request, max: number): Promise<Uint8Array<ArrayBuffer> | null> {
  const reader = request.body?.getReader();
  if (!reader) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

export interface RequestLimitOptions {
  maxBodyBytes: number;
  /** Refuse requests without an `Authorization` header (production: no anonymous introspection either). */
  requireCredentials: boolean;
}

/** The Hive Gateway plugin that applies `options` to every request. */
export function requestLimits(options: RequestLimitOptions): GatewayPlugin {
  const { maxBodyBytes: max } = options;
  const tooLarge = () => errorResponse(413, "PAYLOAD_TOO_LARGE", `The request body is larger than the limit of ${max} bytes.`, { max });
  return {
    async onRequest({ request, setRequest, endResponse }) {
      if (options.requireCredentials && !request.headers.get("authorization")) {
        endResponse(
          errorResponse(401, "UNAUTHENTICATED", "Sign in first: send `Authorization: Bearer <token>` (from POST /auth/login on the main gateway) or `Authorization: ApiKey <key>`."),
        );
        return;
      }
      if (request.method !== "POST") return;
      const declared = request.headers.get("content-length");
      if (declared !== null) {
        if (Number(declared) > max) endResponse(tooLarge());
        return;
      }
      // Chunked: no length to trust, so the body is read here, up to the limit and no further.
      const body = await readLimited(request, max);
      if (body === null) endResponse(tooLarge());
      else setRequest(new Request(request.url, { method: request.method, headers: request.headers, body, signal: request.signal }));
    },
  };
}
