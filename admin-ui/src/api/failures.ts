/** The error shapes the UI receives, urql's `CombinedError` aside. */

/** A GraphQL-shaped error, as every gateway route answers: `{ message, extensions: { code, field, params, service } }`. */
export interface ApiErrorLike {
  message: string;
  extensions?: Record<string, unknown> | null;
}

/** A non-2xx answer from one of the gateway's plain routes (`/auth/*`, `/ready`). */
export class HttpFailure extends Error {
  constructor(
    readonly status: number,
    readonly errors: readonly ApiErrorLike[],
  ) {
    super(errors[0]?.message ?? `HTTP ${status}`);
    this.name = "HttpFailure";
  }

  get code(): string | undefined {
    const code = this.errors[0]?.extensions?.code;
    return typeof code === "string" ? code : undefined;
  }
}

/** The request never got an answer (offline, gateway down, CORS, aborted). */
export class NetworkFailure extends Error {
  constructor(cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = "NetworkFailure";
  }
}
