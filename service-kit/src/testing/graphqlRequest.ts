/** Posts a GraphQL operation over HTTP, as a client would, and returns the parsed body. */
export interface GraphQLResult<T = Record<string, any>> {
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, any> }[];
}

const defaults = new Map<string, Record<string, string>>();

/**
 * Headers sent to `url` when a call gives none: a test world signs its servers in once (as an
 * admin, say) and tests about roles pass their own headers.
 */
export function setDefaultHeaders(url: string, headers: Record<string, string>): void {
  defaults.set(url, headers);
}

export async function graphqlRequest<T = Record<string, any>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  headers?: Record<string, string>,
): Promise<GraphQLResult<T>> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...(headers ?? defaults.get(url) ?? {}) },
    body: JSON.stringify({ query, variables }),
  });
  const text = await res.text();
  try {
    return JSON.parse(text) as GraphQLResult<T>;
  } catch {
    throw new Error(`HTTP ${res.status} is not a GraphQL response: ${text.slice(0, 500)}`);
  }
}

/** Returns `data` or throws with the errors, for steps that must succeed. */
export async function mustQuery<T = Record<string, any>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  headers?: Record<string, string>,
): Promise<T> {
  const result = await graphqlRequest<T>(url, query, variables, headers);
  if (result.errors?.length || !result.data) {
    throw new Error(`GraphQL errors: ${JSON.stringify(result.errors)}`);
  }
  return result.data;
}
