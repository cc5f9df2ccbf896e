import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { hashApiKey, readApiKeyFile, REPO_ROOT } from "@ops/service-kit";
import { tempDir } from "@ops/service-kit/testing";
import { verifyPassword } from "../auth/passwords.js";
import { usersIn } from "./authUsers.js";

// The scripts behind `npm run user:add`, `user:reset-password` and `apikey:add`, run as an
// operator would (same node flags as npm's tsx) against temp files.
const world = tempDir();
const usersFile = path.join(world.dir, "users.json");
const apiKeysFile = path.join(world.dir, "api-keys.json");
// The scripts' auth database: DATA_DIR/auth.db (AUTH_DATABASE_URL is not set for them).
const authDb = { kind: "sqlite", path: path.join(world.dir, "auth.db") } as const;
const where = `the auth database (SQLite ${authDb.path})`;

afterAll(() => world.cleanup());

function withoutAuthDatabase(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { AUTH_DATABASE_URL: _url, AUTH_DB_PATH: _path, ...rest } = env;
  return rest;
}

function script(name: string, args: string[], stdin?: string) {
  const result = spawnSync(process.execPath, ["--import", "tsx", path.join(REPO_ROOT, "gateway", "scripts", `${name}.ts`), ...args], {
    cwd: REPO_ROOT,
    env: { ...withoutAuthDatabase(process.env), DATA_DIR: world.dir, USERS_FILE: usersFile, API_KEYS_FILE: apiKeysFile },
    input: stdin ?? "",
    encoding: "utf8",
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function printedSecret(stdout: string, label: RegExp): string {
  const match = label.exec(stdout);
  if (!match?.[1]) throw new Error(`nothing printed for ${label}: ${stdout}`);
  return match[1];
}

describe("npm run user:add", () => {
  it("adds a user with a generated password, printed once, to be changed at first sign-in", async () => {
    const run = script("userAdd", ["Hanako", "--role", "operator"]);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const password = printedSecret(run.stdout, /Password \(shown only this once; it must be changed at first sign-in\): (\S+)/);
    expect(password.length).toBeGreaterThanOrEqual(20);
    const [user] = await usersIn(authDb);
    expect(user).toMatchObject({ username: "hanako", role: "operator", mustChangePassword: true, passwordChangedAt: null });
    expect(user!.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword(user!.passwordHash, password)).toBe(true);
    expect(fs.readFileSync(authDb.path, "latin1")).not.toContain(password);
    expect(fs.statSync(authDb.path).mode & 0o777).toBe(0o600);
  });

  it("takes a chosen password from stdin, without printing it", async () => {
    const run = script("userAdd", ["taro", "--role", "viewer", "--password-stdin"], "a long chosen passphrase\n");
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(`User "taro" (viewer) added to ${where}.\n`);
    const taro = (await usersIn(authDb)).find((u) => u.username === "taro")!;
    expect(taro.mustChangePassword).toBe(false);
    expect(await verifyPassword(taro.passwordHash, "a long chosen passphrase")).toBe(true);
  });

  it.each([
    [["hanako", "--role", "admin"], /User "hanako" already exists: choose another name, or reset the password with npm run user:reset-password -- hanako/],
    [["jiro"], /Give a role with --role \(viewer, operator, admin\)\./],
    [["jiro", "--role", "boss"], /Unknown role "boss": use one of viewer, operator, admin\./],
    [["ji ro", "--role", "viewer"], /"ji ro" is not a valid user name/],
    [["--role", "viewer"], /Give a name\./],
    [["jiro", "--role", "viewer", "--colour", "red"], /Unknown option '--colour'/],
  ])("refuses %o with a clear message and changes nothing", async (args, message) => {
    const before = await usersIn(authDb);
    const run = script("userAdd", args);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(message);
    expect(await usersIn(authDb)).toEqual(before);
  });

  it.each([
    ["an escape sequence", "ji\u001b[2Jro", /The user name contains a control character \(U\+001B\) at position 2: use 2 to 64 characters/],
    ["an RTL override", "admin\u202Eiroj", /The user name contains a bidirectional control character \(U\+202E\) at position 5/],
  ])("refuses a user name with %s, without echoing it to the terminal", async (_label, name, message) => {
    const before = await usersIn(authDb);
    const run = script("userAdd", [name, "--role", "viewer"]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toContain(name);
    expect(await usersIn(authDb)).toEqual(before);
  });

  it("refuses a chosen password shorter than 12 characters or equal to the user name", async () => {
    expect(script("userAdd", ["jiro", "--role", "viewer", "--password-stdin"], "short\n").stderr).toMatch(/The password must have at least 12 characters\./);
    expect(script("userAdd", ["jiro-the-long-name", "--role", "viewer", "--password-stdin"], "Jiro-The-Long-Name").stderr).toMatch(/must not be the user name/);
    expect((await usersIn(authDb)).map((u) => u.username)).toEqual(["hanako", "taro"]);
  });
});

describe("npm run user:reset-password", () => {
  it("sets a new random password, printed once, and requires a change", async () => {
    const run = script("userResetPassword", ["taro"]);
    expect(run.status).toBe(0);
    const password = printedSecret(run.stdout, /New password \(shown only this once; it must be changed at the next sign-in\): (\S+)/);
    expect(run.stdout).toContain(`Password of "taro" (viewer) reset in ${where}; its earlier sessions are signed out.\n`);
    const taro = (await usersIn(authDb)).find((u) => u.username === "taro")!;
    expect(taro.mustChangePassword).toBe(true);
    expect(taro.tokenGeneration).toBe(1);
    expect(await verifyPassword(taro.passwordHash, password)).toBe(true);
    expect(await verifyPassword(taro.passwordHash, "a long chosen passphrase")).toBe(false);
  });

  it("refuses an unknown user", () => {
    const run = script("userResetPassword", ["nobody"]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`No user "nobody" in the auth database.`);
  });
});

describe("npm run user:remove", () => {
  it("removes the user", async () => {
    const run = script("userRemove", ["Hanako"]);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(`User "hanako" (operator) removed from ${where}; their sessions are signed out.\n`);
    expect((await usersIn(authDb)).map((u) => u.username)).toEqual(["taro"]);
  });

  it("refuses an unknown user and a missing name, changing nothing", async () => {
    expect(script("userRemove", ["nobody"]).stderr).toContain(`No user "nobody" in the auth database.`);
    expect(script("userRemove", []).stderr).toMatch(/Give a name\.[\s\S]*Usage: npm run user:remove -- <username>/);
    expect((await usersIn(authDb)).map((u) => u.username)).toEqual(["taro"]);
  });
});

describe("an earlier version's users.json", () => {
  it("is imported into the auth database by the first script, once, and renamed users.json.imported", async () => {
    const { writeUsersFile } = await import("../auth/usersFile.js");
    const { hashPassword } = await import("../auth/passwords.js");
    const { newUser } = await import("../auth/userStore.js");
    // A name already in the database keeps its row; a new one arrives with its hash.
    const taroBefore = (await usersIn(authDb)).find((u) => u.username === "taro")!;
    const { tokenGeneration: _g, ...jiro } = newUser("jiro", "viewer", await hashPassword("jiro's old passphrase"), false);
    const { tokenGeneration: _t, ...taroInFile } = newUser("taro", "admin", "$argon2id$v=19$m=19456,t=2,p=1$not$used", false);
    writeUsersFile(usersFile, [jiro, taroInFile]);
    const run = script("userAdd", ["saburo", "--role", "viewer"]);
    expect(run.status).toBe(0);
    const users = await usersIn(authDb);
    expect(users.map((u) => u.username)).toEqual(["jiro", "saburo", "taro"]);
    expect(await verifyPassword(users[0]!.passwordHash, "jiro's old passphrase")).toBe(true);
    expect(users[2]).toEqual(taroBefore);
    expect(fs.existsSync(usersFile)).toBe(false);
    expect(fs.existsSync(`${usersFile}.imported`)).toBe(true);
  });
});

describe("npm run apikey:add", () => {
  it("prints a new key once and stores only its hash with the role", () => {
    const run = script("apiKeyAdd", ["Reporting", "--role", "viewer"]);
    expect(run.status).toBe(0);
    const key = printedSecret(run.stdout, /Key \(shown only this once\): (\S+)/);
    expect(run.stdout).toContain(`Authorization: ApiKey ${key}`);
    expect(readApiKeyFile(apiKeysFile)).toEqual([{ name: "reporting", role: "viewer", keyHash: hashApiKey(key), createdAt: expect.any(String) }]);
    expect(fs.readFileSync(apiKeysFile, "utf8")).not.toContain(key);
    expect(fs.statSync(apiKeysFile).mode & 0o777).toBe(0o600);
  });

  it("refuses a duplicate name, a missing role and a name with control characters (not echoed)", () => {
    expect(script("apiKeyAdd", ["reporting", "--role", "admin"]).stderr).toMatch(/An API key named "reporting" already exists/);
    expect(script("apiKeyAdd", ["billing"]).stderr).toMatch(/Give a role with --role/);
    const escaped = script("apiKeyAdd", ["bill\u001b]0;owned\u0007ing", "--role", "admin"]);
    expect(escaped.stderr).toMatch(/The key name contains a control character \(U\+001B\) at position 4/);
    expect(escaped.stderr).not.toContain("\u001b");
    expect(readApiKeyFile(apiKeysFile)).toHaveLength(1);
  });
});
