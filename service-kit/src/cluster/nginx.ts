/**
 * Runs Debian's nginx (`nginx-light`) in the foreground with a configuration of our own, in a
 * folder of our own: it never reads or touches /etc/nginx, and it stops with the cluster.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { nginxConfig, type NginxConfigOptions } from "./nginxConfig.js";

export class NginxNotInstalledError extends Error {}

const CANDIDATES = ["/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/local/nginx/sbin/nginx"];

/** The nginx binary: NGINX_PATH, else the usual places; NginxNotInstalledError naming the package. */
export function findNginx(env: NodeJS.ProcessEnv = process.env): string {
  const candidates = env.NGINX_PATH ? [env.NGINX_PATH] : CANDIDATES;
  const found = candidates.find((file) => fs.existsSync(file));
  if (found) return found;
  throw new NginxNotInstalledError(
    env.NGINX_PATH
      ? `NGINX_PATH=${env.NGINX_PATH} does not exist.`
      : "nginx is not installed: apt-get install -y nginx-light (or set NGINX_PATH to its binary).",
  );
}

export interface RunningNginx {
  readonly pid: number | undefined;
  stop(): Promise<void>;
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/** Starts nginx with `options` and resolves once every tier's port accepts connections. */
export async function startNginx(options: Omit<NginxConfigOptions, "user">, env: NodeJS.ProcessEnv = process.env): Promise<RunningNginx> {
  const binary = findNginx(env);
  fs.mkdirSync(options.prefix, { recursive: true });
  const configFile = path.join(options.prefix, "nginx.conf");
  // As root the workers would run as "nobody", who cannot use root's temp folders.
  const user = process.getuid?.() === 0 ? "root" : undefined;
  fs.writeFileSync(configFile, nginxConfig({ ...options, user }));
  const check = spawnSync(binary, ["-t", "-q", "-p", options.prefix, "-c", configFile, "-e", path.join(options.prefix, "error.log")], { encoding: "utf8" });
  if (check.status !== 0) throw new Error(`nginx refused its configuration (${configFile}):\n${check.stderr}`);
  const child: ChildProcess = spawn(binary, ["-p", options.prefix, "-c", configFile, "-e", path.join(options.prefix, "error.log")], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx exited with code ${child.exitCode}:\n${stderr}`);
    const up = await Promise.all(options.tiers.map((t) => listening(t.listenPort)));
    if (up.every(Boolean)) break;
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`nginx did not listen within 10 s:\n${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  // A parent that dies outright leaves no nginx behind.
  const onExit = () => child.kill("SIGKILL");
  process.once("exit", onExit);
  return {
    pid: child.pid,
    async stop() {
      process.removeListener("exit", onExit);
      if (child.exitCode !== null || child.signalCode !== null) return;
      // SIGQUIT: finish the requests in flight, then exit.
      child.kill("SIGQUIT");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
