/**
 * Starts a TypeScript module in a worker thread. Services run under tsx, whose loader does not
 * reach worker threads by itself, so the worker boots through tsx's `tsImport`.
 */
import { Worker, type ResourceLimits } from "node:worker_threads";

export function startTsWorker(moduleUrl: URL, workerData: unknown, resourceLimits?: ResourceLimits): Worker {
  const boot = `import("tsx/esm/api").then(({ tsImport }) => tsImport(${JSON.stringify(moduleUrl.href)}, ${JSON.stringify(moduleUrl.href)}))`;
  return new Worker(boot, { eval: true, workerData, ...(resourceLimits ? { resourceLimits } : {}) });
}
