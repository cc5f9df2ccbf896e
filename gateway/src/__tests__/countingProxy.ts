/** A pass-through HTTP proxy in front of a subgraph that counts the GraphQL operations it forwards. */
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface CountingProxy {
  url: string;
  /** Bodies of the requests forwarded since the last reset. */
  bodies: string[];
  entityCalls(): number;
  /** While true, every request is answered 503 without reaching the target (a failing receiver). */
  failing: boolean;
  /** While true, requests are held unanswered and never reach the target (a hung service). */
  stalling: boolean;
  reset(): void;
  close(): Promise<void>;
}

export async function countingProxy(targetUrl: string): Promise<CountingProxy> {
  const target = new URL(targetUrl);
  const bodies: string[] = [];
  const state = { failing: false, stalling: false };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      bodies.push(body.toString());
      if (state.stalling) return;
      if (state.failing) {
        res.writeHead(503, { "content-type": "application/json" }).end(JSON.stringify({ error: "receiver unavailable (test)" }));
        return;
      }
      const upstream = http.request(
        { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      upstream.on("error", () => {
        res.destroy();
      });
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    get failing() {
      return state.failing;
    },
    set failing(value: boolean) {
      state.failing = value;
    },
    get stalling() {
      return state.stalling;
    },
    set stalling(value: boolean) {
      state.stalling = value;
    },
    url: `http://127.0.0.1:${port}${target.pathname}`,
    bodies,
    entityCalls: () => bodies.filter((b) => b.includes("_entities")).length,
    reset: () => {
      bodies.length = 0;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
