/**
 * How the operator scripts (`seed:demo`, `import`) sign in to a running gateway: OPS_API_KEY (an
 * API key of the role the script needs), or OPS_USER and OPS_PASSWORD through `POST /auth/login`.
 * Failures end the script with a message that says what to do.
 */
import type { Role } from "@ops/service-kit";
import { fail } from "./cli.js";

export interface ScriptIdentity {
  /** The npm script, for the messages: "seed:demo", "import". */
  script: string;
  /** How the script is run, for the messages: "npm run seed:demo". */
  command: string;
  /** The least role the script needs. */
  role: Exclude<Role, "viewer">;
  /** A suggested API key name, for the messages. */
  keyName: string;
}

/** The gateway's origin for its `…/graphql` URL (a path prefix in front of /graphql is kept). */
export function gatewayBase(graphqlUrl: string): string {
  return graphqlUrl.replace(/\/graphql\/?$/, "");
}

/** Why a fetch to the gateway did not get an answer, in words (ECONNREFUSED, DNS…). */
export function unreachable(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } } | undefined)?.cause;
  return cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
}

/** True when OPS_USER / OPS_PASSWORD are set (a token can be fetched again when it expires). */
export function signsInWithPassword(): boolean {
  return !process.env.OPS_API_KEY && !!process.env.OPS_USER && !!process.env.OPS_PASSWORD;
}

/** The Authorization header for `graphqlUrl`'s gateway, or exits with a message. */
export async function credentials(graphqlUrl: string, who: ScriptIdentity): Promise<Record<string, string>> {
  if (process.env.OPS_API_KEY) return { authorization: `ApiKey ${process.env.OPS_API_KEY}` };
  const { OPS_USER: username, OPS_PASSWORD: password } = process.env;
  if (!username || !password) {
    fail(
      `${who.script} signs in as an ${who.role}${who.role === "operator" ? " (or an admin)" : ""}. Either create an API key and pass it:\n` +
        `  npm run apikey:add -- ${who.keyName} --role ${who.role}\n  OPS_API_KEY=<the key> ${who.command}\n` +
        `or give the user name and password of an ${who.role}: OPS_USER=... OPS_PASSWORD=... ${who.command}`,
    );
  }
  const base = gatewayBase(graphqlUrl);
  let res: Response;
  try {
    res = await fetch(`${base}/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username, password }),
    });
  } catch (err) {
    fail(`Cannot reach the gateway at ${base} (${unreachable(err)}). Is the shop running (npm start)? Point elsewhere with --gateway or GATEWAY_URL.`);
  }
  const body = (await res.json().catch(() => ({}))) as {
    token?: string;
    user?: { role: string; mustChangePassword: boolean };
    errors?: { message: string }[];
  };
  if (!res.ok || !body.token) {
    fail(`Sign-in as ${username} failed (HTTP ${res.status}): ${body.errors?.[0]?.message ?? "no token"}`);
  }
  if (body.user?.mustChangePassword) {
    fail(`${username} must change the password first: sign in at ${base}/ and change it.`);
  }
  return { authorization: `Bearer ${body.token}` };
}
