/**
 * Secrets come from the environment (the value, or a file path in `<NAME>_FILE`), never from the
 * repository. Outside production, missing ones are generated once into DATA_DIR/secrets.json
 * (mode 0600), so `npm start` works on a fresh clone; in production a missing secret stops the
 * service with a message that says how to set it. Secrets are never printed or logged.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { ConfigError } from "../config.js";
import { makePrivateDir, tightenFiles } from "../privateFiles.js";

export interface Secrets {
  /** Ed25519 private key (PEM) the gateway signs user tokens with; only the gateway needs it. */
  jwtPrivateKey: string;
  /** Ed25519 public key (PEM) every subgraph verifies user tokens with. */
  jwtPublicKey: string;
  /** Shared by the router and the subgraphs: proves a request came through the router. */
  routerSecret: string;
  /** Signs service-to-service tokens (HS256) between the subgraphs. */
  serviceSecret: string;
  /** Signs cross-service webhooks (HMAC-SHA256). */
  webhookSecret: string;
}

const ENV: Record<keyof Secrets, string> = {
  jwtPrivateKey: "JWT_PRIVATE_KEY",
  jwtPublicKey: "JWT_PUBLIC_KEY",
  routerSecret: "ROUTER_SECRET",
  serviceSecret: "SERVICE_SECRET",
  webhookSecret: "WEBHOOK_SECRET",
};

function generate(): Secrets {
  const { privateKey, publicKey } = crypto.generateKeyPairSync("ed25519");
  return {
    jwtPrivateKey: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    jwtPublicKey: publicKey.export({ type: "spki", format: "pem" }).toString(),
    routerSecret: crypto.randomBytes(32).toString("base64url"),
    serviceSecret: crypto.randomBytes(32).toString("base64url"),
    webhookSecret: crypto.randomBytes(32).toString("base64url"),
  };
}

/** Creates DATA_DIR/secrets.json if it is missing (exclusive create: concurrent starters agree). */
function ensureDevSecrets(file: string): Partial<Secrets> {
  if (!fs.existsSync(file)) {
    makePrivateDir(path.dirname(file));
    try {
      fs.writeFileSync(file, JSON.stringify(generate(), null, 2), { flag: "wx", mode: 0o600 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
  } else {
    // Copied in or restored from a backup with a looser mode; a failure here is not worth a stop.
    tightenFiles([file]);
  }
  // Another process may be between create and write: wait until the file is complete.
  for (let i = 0; i < 50; i++) {
    try {
      return JSON.parse(fs.readFileSync(file, "utf8")) as Partial<Secrets>;
    } catch {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    }
  }
  throw new ConfigError(`${file} is not valid JSON: delete it to generate new development secrets.`);
}

export function secretsFile(dataDir: string, env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.SECRETS_FILE ?? path.join(dataDir, "secrets.json"));
}

/** Reads every secret; generates development defaults when allowed. */
export function loadSecrets(dataDir: string, env: NodeJS.ProcessEnv = process.env): Secrets {
  const production = env.NODE_ENV === "production";
  let dev: Partial<Secrets> | undefined;
  const out = {} as Secrets;
  for (const key of Object.keys(ENV) as (keyof Secrets)[]) {
    const name = ENV[key];
    const fromFile = env[`${name}_FILE`];
    let value = env[name] || (fromFile ? fs.readFileSync(fromFile, "utf8").trim() : undefined);
    if (!value) {
      if (production) {
        throw new ConfigError(`${name} is not set: in production give it in the environment (${name}) or as a file path (${name}_FILE).`);
      }
      dev ??= ensureDevSecrets(secretsFile(dataDir, env));
      value = dev[key];
      if (!value) throw new ConfigError(`${secretsFile(dataDir, env)} has no ${key}: delete the file to generate new development secrets.`);
    }
    out[key] = value;
  }
  return out;
}
