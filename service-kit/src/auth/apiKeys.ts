/**
 * Long-lived API keys with a role, from a configuration file (API_KEYS_FILE, default
 * DATA_DIR/api-keys.json) that holds only SHA-256 hashes of the keys. Every service reads it, so
 * a router in front only has to propagate the Authorization header. The file is re-read when it
 * changes (checked at most every few seconds).
 */
import crypto from "node:crypto";
import fs from "node:fs";
import { isRole, type Identity, type Role } from "./roles.js";

export interface ApiKeyRecord {
  name: string;
  role: Role;
  /** `sha256:<hex>` of the key. */
  keyHash: string;
  createdAt: string;
}

export function hashApiKey(key: string): string {
  return `sha256:${crypto.createHash("sha256").update(key).digest("hex")}`;
}

/** A new random key: shown once to the operator, stored only as its hash. */
export function generateApiKey(): string {
  return `ops_${crypto.randomBytes(32).toString("base64url")}`;
}

export function readApiKeyFile(file: string): ApiKeyRecord[] {
  if (!fs.existsSync(file)) return [];
  const parsed = JSON.parse(fs.readFileSync(file, "utf8")) as unknown;
  if (!Array.isArray(parsed)) throw new Error(`${file} must hold a JSON array of API keys`);
  return parsed.filter((r): r is ApiKeyRecord => typeof r?.name === "string" && isRole(r?.role) && typeof r?.keyHash === "string");
}

export function writeApiKeyFile(file: string, records: ApiKeyRecord[]): void {
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(records, null, 2), { mode: 0o600 });
  fs.renameSync(`${file}.tmp`, file);
}

export interface ApiKeyStore {
  find(key: string): Identity | null;
}

export function createApiKeyStore(file: string, recheckMs = 3000): ApiKeyStore {
  let byHash = new Map<string, ApiKeyRecord>();
  let mtime = -1;
  let checkedAt = 0;
  const refresh = () => {
    const now = Date.now();
    if (now - checkedAt < recheckMs) return;
    checkedAt = now;
    const current = fs.existsSync(file) ? fs.statSync(file).mtimeMs : 0;
    if (current === mtime) return;
    mtime = current;
    byHash = new Map(readApiKeyFile(file).map((r) => [r.keyHash, r]));
  };
  return {
    find(key) {
      refresh();
      const record = byHash.get(hashApiKey(key));
      return record ? { kind: "apikey", name: record.name, role: record.role } : null;
    },
  };
}
