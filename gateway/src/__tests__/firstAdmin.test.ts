import { fork, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "@ops/service-kit";
import type { ListeningMessage } from "@ops/service-kit/stack";
import { tempDir } from "@ops/service-kit/testing";
import { usersIn } from "./authUsers.js";
import { login, signIn } from "./signIn.js";
import { postGraphQL, send } from "./testGateway.js";

// `npm start` on a fresh install, seen from the terminal: the gateway process creates the first
// admin, prints its password once, and never prints or logs a password or secret otherwise.
const world = tempDir();
const CLOSED = "http://127.0.0.1:9/graphql";
const env: NodeJS.ProcessEnv = {
  ...process.env,
  DATA_DIR: world.dir,
  GATEWAY_PORT: "0",
  LOG_LEVEL: "debug",
  ORDER_URL: CLOSED,
  PAYMENT_URL: CLOSED,
  NOTIFICATION_URL: CLOSED,
};
for (const k of ["USERS_FILE", "API_KEYS_FILE", "SECRETS_FILE", "NODE_ENV", "AUTH_DATABASE_URL", "AUTH_DB_PATH"]) delete env[k];

interface GatewayProcess {
  url: string;
  output(): string;
  stop(): Promise<void>;
}

function startGatewayProcess(): Promise<GatewayProcess> {
  const child: ChildProcess = fork(path.join(REPO_ROOT, "gateway/src/main.ts"), [], {
    cwd: REPO_ROOT,
    env,
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  let output = "";
  child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  return new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`gateway exited with ${code}:\n${output}`)));
    child.on("message", (msg: ListeningMessage) => {
      if (msg?.type !== "listening") return;
      child.removeAllListeners("exit");
      resolve({
        url: msg.url,
        output: () => output,
        stop: () =>
          new Promise<void>((done) => {
            child.once("exit", () => done());
            child.kill("SIGTERM");
          }),
      });
    });
  });
}

let first: GatewayProcess;
let printedPassword = "";
const NEW_PASSWORD = "the admin's own passphrase";
const WRONG_GUESS = "wrong-guess-Xyz-123456";
const tokens: string[] = [];

beforeAll(async () => {
  first = await startGatewayProcess();
}, 60_000);

afterAll(() => world.cleanup());

describe("a fresh install", () => {
  it("creates the admin with a random password, printed once in a framed message", async () => {
    const banner = /FIRST ADMIN CREATED[\s\S]*?User name\s+admin\n\s+Password\s+(\S+)\n[\s\S]*?must be changed at first sign-in/.exec(first.output());
    expect(banner).not.toBeNull();
    printedPassword = banner![1]!;
    expect(printedPassword.length).toBeGreaterThanOrEqual(20);
    const authDb = path.join(world.dir, "auth.db");
    const [admin, ...others] = await usersIn({ kind: "sqlite", path: authDb });
    expect(others).toEqual([]);
    expect(admin).toMatchObject({ username: "admin", role: "admin", mustChangePassword: true });
    expect(fs.statSync(authDb).mode & 0o777).toBe(0o600);
  });

  it("requires the password change at first sign-in", async () => {
    expect((await login(first.url, "admin", WRONG_GUESS)).status).toBe(401);
    const session = await signIn(first.url, "admin", printedPassword);
    tokens.push(session.token);
    expect(session.user.mustChangePassword).toBe(true);
    const refused = await postGraphQL(first.url, "{ __typename }", session.headers);
    expect(refused.body.errors[0].extensions.params.reason).toBe("PASSWORD_CHANGE_REQUIRED");
    const origin = new URL(first.url).origin;
    const changed = await send(`${origin}/auth/password`, {
      method: "POST",
      headers: { "content-type": "application/json", ...session.headers },
      body: JSON.stringify({ currentPassword: printedPassword, newPassword: NEW_PASSWORD }),
    });
    expect(changed.status).toBe(200);
    tokens.push(changed.body.token);
    expect((await postGraphQL(first.url, "{ __typename }", { authorization: `Bearer ${changed.body.token}` })).body).toEqual({ data: { __typename: "Query" } });
    // Noise that must not leak anything either: bad credentials, bad JSON.
    await postGraphQL(first.url, "{ orders { totalCount } }", { authorization: `Bearer ${changed.body.token}x` });
    await send(first.url, { method: "POST", headers: { "content-type": "application/json" }, body: "{ not json" });
  });

  it("does not print a password again on the next start", async () => {
    await first.stop();
    const second = await startGatewayProcess();
    try {
      expect(second.output()).not.toMatch(/FIRST ADMIN|Password/);
      expect((await login(second.url, "admin", printedPassword)).status).toBe(401);
      const session = await signIn(second.url, "admin", NEW_PASSWORD);
      tokens.push(session.token);
      expect(session.user.mustChangePassword).toBe(false);
    } finally {
      await second.stop();
    }
    const everything = first.output() + second.output();
    expect(everything.split(printedPassword)).toHaveLength(2); // exactly once
    const secrets = JSON.parse(fs.readFileSync(path.join(world.dir, "secrets.json"), "utf8")) as Record<string, string>;
    const privateKeyBody = secrets.jwtPrivateKey!.split("\n")[1]!;
    for (const secret of [NEW_PASSWORD, WRONG_GUESS, ...tokens, secrets.routerSecret!, secrets.serviceSecret!, secrets.webhookSecret!, privateKeyBody]) {
      expect(everything).not.toContain(secret);
    }
    expect(everything).not.toContain("$argon2");
  });
});
