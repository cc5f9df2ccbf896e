/**
 * Turns any error the UI meets into sentences for the operator, in their language: GraphQL errors
 * by `extensions.code` (with the field they concern, the role they need, the service that is
 * down or timed out) and network errors apart from them (urql's `graphQLErrors` versus `networkError`). The
 * server's own message (English) is kept as a detail line.
 */
import { HttpFailure, NetworkFailure, type ApiErrorLike } from "@/api/failures";
import { isMessageKey, type Translate } from "@/i18n";
import { formatCount } from "@/i18n/format";

export interface ErrorLine {
  /** `extensions.code`, or NETWORK. */
  code: string;
  text: string;
  /** The input path the server named, e.g. `input.items.0.quantity`. */
  field?: string;
  /** The server's message, when it adds something to `text`. */
  detail?: string;
  /** For SERVICE_UNAVAILABLE and SERVICE_TIMEOUT: the subgraph that could not be reached or did not answer. */
  service?: string;
  /** `extensions.params.reason`, e.g. PASSWORD_CHANGE_REQUIRED. */
  reason?: string;
}

/** Why a service's part of a page is missing: it could not be reached, or it did not answer in time. */
export type OutageKind = "unavailable" | "timeout";

export interface ServiceOutage {
  service: string;
  kind: OutageKind;
}

export interface DescribedError {
  lines: ErrorLine[];
  network: boolean;
  unauthenticated: boolean;
  passwordChangeRequired: boolean;
  /** Subgraphs named by SERVICE_UNAVAILABLE or SERVICE_TIMEOUT errors (their part of the page shows a notice). */
  unavailableServices: string[];
  /** The same services with why each is missing, once each (a timeout wins: it is the more telling). */
  serviceOutages: ServiceOutage[];
}

const OUTAGE_KINDS: Record<string, OutageKind> = { SERVICE_UNAVAILABLE: "unavailable", SERVICE_TIMEOUT: "timeout" };

/** `code` names a service that is down (unavailable) or too slow (timeout). */
export function isServiceOutage(code: string): boolean {
  return code in OUTAGE_KINDS;
}

interface CombinedErrorLike {
  graphQLErrors: readonly ApiErrorLike[];
  networkError?: Error | undefined;
  response?: { status?: number } | undefined;
}

function isCombinedError(error: unknown): error is CombinedErrorLike {
  return typeof error === "object" && error !== null && Array.isArray((error as CombinedErrorLike).graphQLErrors);
}

const str = (value: unknown): string | undefined => (typeof value === "string" && value ? value : undefined);
const record = (value: unknown): Record<string, unknown> => (typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {});

/** The operator's name for a service (`payment` → 決済サービス / Payment service). */
export function serviceLabel(service: string, t: Translate): string {
  const key = `service.${service}`;
  return isMessageKey(key) ? t(key) : service;
}

/** The operator's name for an input path: `input.items.2.unitPrice` → "3行目の単価" / "Unit price in row 3". */
export function fieldLabel(path: string, t: Translate): string {
  const parts = path.split(".").filter((p) => p !== "input");
  const itemAt = parts.indexOf("items");
  const row = parts[itemAt + 1];
  const sub = parts[itemAt + 2];
  if (itemAt >= 0 && row !== undefined && /^\d+$/.test(row)) {
    const inner = sub && isMessageKey(`field.${sub}`) ? t(`field.${sub}` as Parameters<Translate>[0]) : t("field.items");
    return t("field.itemRow", { row: Number(row) + 1, field: inner });
  }
  const last = parts[parts.length - 1] ?? path;
  const key = `field.${last}`;
  return isMessageKey(key) ? t(key) : path;
}

function statusLabel(status: unknown, t: Translate): string {
  const s = str(status) ?? "?";
  const key = `orderStatus.${s}`;
  return isMessageKey(key) ? t(key) : s;
}

function roleLabel(role: unknown, t: Translate): string {
  const r = str(role) ?? "?";
  const key = `role.${r}`;
  return isMessageKey(key) ? t(key) : r;
}

const RENDER_LIMITS = ["depth", "iterations", "outputLength", "renderTime"] as const;

/**
 * A template that breaks one of the notification service's rendering limits
 * (`params: { limit, max }`, `line` for depth), in words with the limit; undefined for anything else.
 */
function renderLimitText(params: Record<string, unknown>, field: string | undefined, t: Translate): string | undefined {
  const limit = RENDER_LIMITS.find((l) => l === params.limit);
  if (!limit || typeof params.max !== "number") return undefined;
  const line = typeof params.line === "number" ? params.line : undefined;
  // Japanese and English group digits alike (10,000), so either locale's format serves both.
  const values = { field: field ? fieldLabel(field, t) : t("templates.limit.template"), max: formatCount(params.max, "ja") };
  return limit === "depth" && line !== undefined ? t("templates.limit.depthAt", { ...values, line }) : t(`templates.limit.${limit}`, values);
}

function describeOne(error: ApiErrorLike, t: Translate): ErrorLine {
  const ext = record(error.extensions);
  const code = str(ext.code) ?? "UNKNOWN";
  const field = str(ext.field);
  const params = record(ext.params);
  const detail = error.message || undefined;
  const reason = str(params.reason);
  const line = (text: string, extra: Partial<ErrorLine> = {}): ErrorLine => ({
    code,
    text,
    ...(field ? { field } : {}),
    ...(detail ? { detail } : {}),
    ...(reason ? { reason } : {}),
    ...extra,
  });
  switch (code) {
    case "BAD_USER_INPUT":
      return line(renderLimitText(params, field, t) ?? (field ? t("errors.badInputField", { field: fieldLabel(field, t) }) : t("errors.badInput")));
    case "CONFLICT":
      if (field?.endsWith("expectedUpdatedAt")) return line(t("errors.conflictStale"));
      if (params.from !== undefined && params.to !== undefined && field === "input.status") {
        return line(t("errors.conflictMove", { from: statusLabel(params.from, t), to: statusLabel(params.to, t) }));
      }
      return line(t("errors.conflict"));
    case "NOT_FOUND":
      return line(t("errors.notFound"));
    case "FORBIDDEN":
      if (reason === "PASSWORD_CHANGE_REQUIRED") return line(t("errors.passwordChangeRequired"), { detail: undefined });
      if (params.required !== undefined) return line(t("errors.forbidden", { required: roleLabel(params.required, t), role: roleLabel(params.role, t) }));
      return line(t("errors.forbiddenPlain"));
    case "UNAUTHENTICATED":
      return line(t("errors.unauthenticated"), { detail: undefined });
    case "SERVICE_UNAVAILABLE":
    case "SERVICE_TIMEOUT": {
      const service = str(ext.service) ?? "gateway";
      return line(outageText({ service, kind: OUTAGE_KINDS[code] ?? "unavailable" }, t), { service, detail: undefined });
    }
    case "TOO_MANY_REQUESTS":
      return line(t("errors.tooManyRequests"));
    case "PAYLOAD_TOO_LARGE":
      return line(t("errors.payloadTooLarge"));
    case "GRAPHQL_VALIDATION_FAILED":
    case "GRAPHQL_PARSE_FAILED":
    case "BAD_REQUEST":
    case "UNSUPPORTED_MEDIA_TYPE":
      return line(t("errors.invalidRequest"));
    case "INTERNAL_SERVER_ERROR":
      return line(t("errors.internal"), { detail: undefined });
    default:
      return line(t("errors.unknown", { code }));
  }
}

/** 「決済サービスに接続できません」 / 「決済サービスが応答しません（タイムアウト）」, and in English. */
export function outageText(outage: ServiceOutage, t: Translate): string {
  const service = serviceLabel(outage.service, t);
  return outage.kind === "timeout" ? t("service.timeout", { service }) : t("service.unavailable", { service });
}

function networkLine(cause: Error | undefined, t: Translate): ErrorLine {
  return { code: "NETWORK", text: t("errors.network"), ...(cause?.message ? { detail: cause.message } : {}) };
}

/** Everything the UI needs to show `error`; an empty description for null. */
export function describeError(error: unknown, t: Translate): DescribedError {
  let lines: ErrorLine[] = [];
  let network = false;
  if (error === null || error === undefined) {
    // nothing to describe
  } else if (isCombinedError(error)) {
    lines = error.graphQLErrors.map((e) => describeOne(e, t));
    if (lines.length === 0 && error.networkError) {
      // A 401 with a JSON body arrives as GraphQL errors; without a body it is only a status.
      if (error.response?.status === 401) lines = [describeOne({ message: "", extensions: { code: "UNAUTHENTICATED" } }, t)];
      else {
        network = true;
        lines = [networkLine(error.networkError, t)];
      }
    }
  } else if (error instanceof HttpFailure) {
    lines = error.errors.length ? error.errors.map((e) => describeOne(e, t)) : [describeOne({ message: error.message, extensions: { code: `HTTP_${error.status}` } }, t)];
  } else if (error instanceof NetworkFailure || error instanceof TypeError) {
    network = true;
    lines = [networkLine(error, t)];
  } else {
    lines = [{ code: "UNKNOWN", text: t("errors.unknown", { code: "UNKNOWN" }), ...(error instanceof Error ? { detail: error.message } : {}) }];
  }
  const seen = new Set<string>();
  lines = lines.filter((l) => {
    const id = `${l.code}|${l.text}|${l.field ?? ""}|${l.detail ?? ""}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
  const outages = new Map<string, OutageKind>();
  for (const l of lines) {
    const kind = OUTAGE_KINDS[l.code];
    if (l.service && kind && outages.get(l.service) !== "timeout") outages.set(l.service, kind);
  }
  return {
    lines,
    network,
    unauthenticated: lines.some((l) => l.code === "UNAUTHENTICATED"),
    passwordChangeRequired: lines.some((l) => l.code === "FORBIDDEN" && l.reason === "PASSWORD_CHANGE_REQUIRED"),
    unavailableServices: [...outages.keys()],
    serviceOutages: [...outages].map(([service, kind]) => ({ service, kind })),
  };
}

/** Input path (without `input.`) → the sentence for it, for forms that show errors by their field. */
export function fieldErrors(described: DescribedError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of described.lines) {
    if (l.code === "BAD_USER_INPUT" && l.field) out[l.field.replace(/^input\./, "")] ??= l.text;
  }
  return out;
}
