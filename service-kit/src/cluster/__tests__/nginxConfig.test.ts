import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { findNginx } from "../nginx.js";
import { nginxConfig } from "../nginxConfig.js";

const tiers = [
  { name: "order", listenPort: 18001, servers: ["127.0.0.1:19001", "127.0.0.1:19002"] },
  { name: "gateway", listenPort: 18000, servers: ["127.0.0.1:19000"] },
];

const nginx = (() => {
  try {
    return findNginx();
  } catch {
    return undefined;
  }
})();

describe("the cluster's nginx configuration", () => {
  const text = nginxConfig({ tiers, prefix: "/tmp/ops-nginx-test", maxBodyBytes: 210 * 1024 * 1024 });

  it("puts each tier's replicas in one upstream behind its own port", () => {
    expect(text).toContain("upstream order {\n    server 127.0.0.1:19001 max_fails=1 fail_timeout=2s;\n    server 127.0.0.1:19002 max_fails=1 fail_timeout=2s;");
    expect(text).toContain("listen 127.0.0.1:18001;");
    expect(text).toContain("proxy_pass http://order;");
    expect(text).toContain("listen 127.0.0.1:18000;");
  });

  it("retries another replica only when the connection failed, never a request a replica received", () => {
    expect(text.match(/proxy_next_upstream error;/g)).toHaveLength(2);
    expect(text).not.toContain("non_idempotent");
    expect(text).not.toMatch(/proxy_next_upstream [^;]*timeout/);
  });

  it("streams bodies both ways, up to the upload limit, and passes the client's address on", () => {
    expect(text).toContain("proxy_request_buffering off;");
    expect(text).toContain("proxy_buffering off;");
    expect(text).toContain(`client_max_body_size ${210 * 1024 * 1024};`);
    expect(text).toContain("proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;");
  });

  it.skipIf(!nginx)("is accepted by nginx -t (when nginx is installed)", () => {
    const prefix = fs.mkdtempSync(path.join(os.tmpdir(), "ops-nginx-"));
    try {
      const file = path.join(prefix, "nginx.conf");
      fs.writeFileSync(file, nginxConfig({ tiers, prefix, maxBodyBytes: 1024, user: process.getuid?.() === 0 ? "root" : undefined }));
      const result = spawnSync(nginx!, ["-t", "-p", prefix, "-c", file, "-e", path.join(prefix, "error.log")], { encoding: "utf8" });
      expect(result.status, result.stderr).toBe(0);
    } finally {
      fs.rmSync(prefix, { recursive: true, force: true });
    }
  });
});
