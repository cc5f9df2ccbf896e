/**
 * Starts the stack as a cluster on one PostgreSQL server: `replicas` processes of each subgraph and
 * `gateways` gateways, each on its own port **with its own DATA_DIR** (replicas share nothing
 * but the databases and the secrets), and nginx in front of every tier. Every address a process
 * is given — a peer's, a webhook's, the gateways' subgraphs — is nginx's for that tier, so any
 * replica may answer any request, as on several machines. Used by `npm run start:cluster`, the
 * replica tests (`npm run test:cluster`) and `npm run bench:cluster`.
 */
import fs from "node:fs";
import path from "node:path";
import { loadSecrets } from "../auth/secrets.js";
import { DATABASE_NAMES, databaseUrlVariable, readStackConfig, SERVICE_NAMES, type DatabaseName } from "../config.js";
import { migrate } from "../data/migrate.js";
import { isolatedStackEnv } from "../stack/launchStack.js";
import { startServiceProcess, type ProcessName, type ServiceProcess } from "../stack/serviceProcess.js";
import { Supervisor, type SupervisionEvent } from "../stack/supervisor.js";
import { createDatabase, databaseExists, databaseUrl } from "../testing/pgAdmin.js";
import { startNginx, type RunningNginx } from "./nginx.js";
import { freePort } from "../freePort.js";

export const TIERS = ["order", "payment", "notification", "gateway"] as const satisfies readonly ProcessName[];
export type Tier = (typeof TIERS)[number];

export interface ClusterOptions {
  /** A PostgreSQL superuser URL on the server that holds every database (`postgres://…/postgres`). */
  adminUrl: string;
  /** Processes per subgraph (≥ 1). */
  replicas: number;
  /** Gateways (≥ 1). */
  gateways: number;
  /** The cluster's folder: one DATA_DIR per process under it, nginx's files, the secrets. */
  dir: string;
  /** Names the databases (`<prefix>_order`, …): several clusters can share one server. */
  databasePrefix?: string;
  /**
   * `template`: clone each database from its migrated template (tests, benchmarks: 0.1 s);
   * `migrate` (default): create it when missing and apply the migrations, as in production.
   */
  databases?: "template" | "migrate";
  /** Added to every process's environment. */
  env?: NodeJS.ProcessEnv;
  silent?: boolean;
  /** Restart a replica that dies (default true). */
  supervise?: boolean;
  onSupervision?: (event: SupervisionEvent, tier: Tier, index: number) => void;
}

export interface Replica {
  tier: Tier;
  index: number;
  /** The running process (replaced when it is restarted). */
  readonly process: ServiceProcess;
  /** Its own address (not nginx's). */
  readonly url: string;
  kill(): Promise<void>;
  restart(): Promise<ServiceProcess>;
  stop(): Promise<void>;
}

export interface Cluster {
  /** nginx in front of the gateways: the cluster's one public URL (`…/graphql`). */
  gatewayUrl: string;
  /** nginx's URL per tier (`http://127.0.0.1:<port>/graphql`). */
  tierUrls: Record<Tier, string>;
  replicas: Record<Tier, Replica[]>;
  /** The database URL of each service, and of the auth database every gateway and subgraph shares. */
  databaseUrls: Record<DatabaseName, string>;
  /** The environment shared by every process (secrets, databases, tier URLs). */
  env: NodeJS.ProcessEnv;
  /** nginx's master process (its workers are its children). */
  nginxPid: number | undefined;
  stop(): Promise<void>;
}

/** Creates `<prefix>_<service>` when missing and brings it to the current schema. */
async function prepareDatabase(adminUrl: string, service: DatabaseName, name: string, how: "template" | "migrate"): Promise<string> {
  if (how === "template") {
    // Loaded only here: production starts never need the test helpers.
    const { cloneServiceDatabase } = await import("../testing/freshDatabase.js");
    return cloneServiceDatabase(adminUrl, service, name);
  }
  const url = (await databaseExists(adminUrl, name)) ? databaseUrl(adminUrl, name) : await createDatabase(adminUrl, name);
  await migrate(service, { kind: "postgres", url, poolSize: 2 });
  return url;
}

const SECRET_VARIABLES = {
  jwtPrivateKey: "JWT_PRIVATE_KEY",
  jwtPublicKey: "JWT_PUBLIC_KEY",
  routerSecret: "ROUTER_SECRET",
  serviceSecret: "SERVICE_SECRET",
  webhookSecret: "WEBHOOK_SECRET",
} as const;

export async function launchCluster(options: ClusterOptions): Promise<Cluster> {
  for (const [flag, value] of [["replicas", options.replicas], ["gateways", options.gateways]] as const) {
    if (!Number.isInteger(value) || value < 1 || value > 16) throw new Error(`${flag} must be a whole number from 1 to 16 (got ${value}).`);
  }
  const prefix = options.databasePrefix ?? "ops";
  fs.mkdirSync(options.dir, { recursive: true });

  // The databases: every replica of a service shares its service's database; every process
  // reads the auth database (users, session revocations, rate limits), the gateways write it.
  const databaseUrls = Object.fromEntries(
    await Promise.all(DATABASE_NAMES.map(async (s) => [s, await prepareDatabase(options.adminUrl, s, `${prefix}_${s}`, options.databases ?? "migrate")] as const)),
  ) as Record<DatabaseName, string>;

  // The secrets: generated once into the cluster's folder (outside production), then handed to
  // every process through its environment, as a deployment would from its secret store.
  const base = isolatedStackEnv(path.join(options.dir, "shared"), {
    // The gateways sit behind nginx, which appends the client's address to X-Forwarded-For.
    TRUSTED_PROXY_HOPS: "1",
    ...Object.fromEntries(DATABASE_NAMES.map((s) => [databaseUrlVariable(s), databaseUrls[s]])),
    ...options.env,
  });
  const secrets = loadSecrets(base.DATA_DIR!, base);
  for (const [key, variable] of Object.entries(SECRET_VARIABLES)) base[variable] = secrets[key as keyof typeof SECRET_VARIABLES];

  // nginx's port per tier, known before anything starts: every process is told them at once.
  const tierPorts = Object.fromEntries(await Promise.all(TIERS.map(async (t) => [t, await freePort()] as const))) as Record<Tier, number>;
  const tierUrls = Object.fromEntries(TIERS.map((t) => [t, `http://127.0.0.1:${tierPorts[t]}/graphql`])) as Record<Tier, string>;
  for (const s of SERVICE_NAMES) base[`${s.toUpperCase()}_URL`] = tierUrls[s];
  const config = readStackConfig(base);

  const counts: Record<Tier, number> = { order: options.replicas, payment: options.replicas, notification: options.replicas, gateway: options.gateways };
  const replicas = {} as Record<Tier, Replica[]>;
  const supervisors: Supervisor[] = [];
  const startReplica = async (tier: Tier, index: number): Promise<Replica> => {
    const port = await freePort();
    const dataDir = path.join(options.dir, `${tier}-${index + 1}`);
    const env: NodeJS.ProcessEnv = { ...base, DATA_DIR: dataDir, [`${tier.toUpperCase()}_PORT`]: String(port) };
    const start = () => startServiceProcess(tier, env, { silent: options.silent });
    const slot = { [tier]: await start() } as Record<ProcessName, ServiceProcess>;
    const supervisor = options.supervise === false ? undefined : new Supervisor(slot, start, {
      baseDelayMs: 250,
      maxDelayMs: 5000,
      onEvent: (event) => options.onSupervision?.(event, tier, index),
    });
    if (supervisor) supervisors.push(supervisor);
    return {
      tier,
      index,
      get process() {
        return slot[tier];
      },
      url: `http://127.0.0.1:${port}/graphql`,
      kill: () => slot[tier].kill(),
      restart: async () => {
        if (supervisor) return supervisor.restart(tier);
        await slot[tier].stop();
        slot[tier] = await start();
        return slot[tier];
      },
      stop: () => slot[tier].stop(),
    };
  };

  let nginx: RunningNginx | undefined;
  const stop = async () => {
    await Promise.all(supervisors.map((s) => s.close()));
    await nginx?.stop();
    // Gateways first (no new work), then the subgraphs drain in parallel.
    await Promise.all((replicas.gateway ?? []).map((r) => r.stop()));
    await Promise.all(SERVICE_NAMES.flatMap((s) => (replicas[s] ?? []).map((r) => r.stop())));
  };
  try {
    // The order service first (the others read orders from it), then the rest; nginx once every
    // tier has its replicas. Until then nothing calls a peer but the outboxes, which retry.
    replicas.order = await Promise.all(Array.from({ length: counts.order }, (_, i) => startReplica("order", i)));
    await Promise.all((["payment", "notification", "gateway"] as const).map(async (tier) => {
      replicas[tier] = await Promise.all(Array.from({ length: counts[tier] }, (_, i) => startReplica(tier, i)));
    }));
    nginx = await startNginx({
      tiers: TIERS.map((t) => ({ name: t, listenPort: tierPorts[t], servers: replicas[t].map((r) => new URL(r.url).host) })),
      prefix: path.join(options.dir, "nginx"),
      // The upload limit plus room for the request's headers.
      maxBodyBytes: config.importMaxBytes + 1024 * 1024,
    }, base);
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }

  return {
    gatewayUrl: tierUrls.gateway,
    tierUrls,
    replicas,
    databaseUrls,
    env: base,
    nginxPid: nginx?.pid,
    stop,
  };
}
