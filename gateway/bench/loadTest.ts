/** A small closed-loop HTTP load generator: `concurrency` clients, each sends its next request when the last one answers. */
import http from "node:http";

export interface LoadResult {
  requests: number;
  concurrency: number;
  p50: number;
  p99: number;
  max: number;
  rps: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

/** POSTs `body` to `url` `requests` times; fails on any non-200 answer or GraphQL error. */
export async function loadTest(url: string, body: string, opts: { requests: number; concurrency: number; headers?: Record<string, string> }): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.concurrency });
  const target = new URL(url);
  const send = () =>
    new Promise<number>((resolve, reject) => {
      const start = process.hrtime.bigint();
      const req = http.request(
        { agent, host: target.hostname, port: target.port, path: target.pathname, method: "POST", headers: { "content-type": "application/json", ...opts.headers } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
            const text = Buffer.concat(chunks).toString();
            if (res.statusCode !== 200 || text.includes('"errors"')) reject(new Error(`HTTP ${res.statusCode}: ${text.slice(0, 300)}`));
            else resolve(elapsed);
          });
        },
      );
      req.on("error", reject);
      req.end(body);
    });
  const latencies: number[] = [];
  let issued = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: opts.concurrency }, async () => {
      while (issued < opts.requests) {
        issued += 1;
        latencies.push(await send());
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    concurrency: opts.concurrency,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies[latencies.length - 1] ?? 0,
    rps: latencies.length / seconds,
  };
}
