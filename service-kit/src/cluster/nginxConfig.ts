/**
 * The nginx configuration in front of a cluster: one upstream and one listening port per tier
 * (the gateways, and each subgraph's replicas), with what a load balancer of this stack must do:
 *
 * - take a replica out for a while after it failed to answer (`max_fails`/`fail_timeout`),
 * - retry another replica only when the connection itself failed (`error`), never a request a
 *   replica may have started to act on (a POST that timed out could have committed), and never
 *   a non-idempotent request after it was sent (`non_idempotent` is not set),
 * - stream large bodies both ways: the upload PUT (`proxy_request_buffering off`, up to the
 *   import limit) and downloads (`proxy_buffering off`), never spooled to the balancer's disk,
 * - keep connections to the replicas open (`keepalive`), as the gateway does to its subgraphs.
 *
 * Health checks on `/ready` are for an orchestrator or a commercial balancer (nginx's open-source
 * build checks passively, through failures); `/ready` answers 503 while a replica drains.
 */

export interface NginxTier {
  /** The upstream's name (order, payment, notification, gateway). */
  name: string;
  /** Where nginx listens for this tier. */
  listenPort: number;
  /** The replicas' `host:port`. */
  servers: string[];
}

export interface NginxConfigOptions {
  tiers: NginxTier[];
  /** The folder nginx keeps its pid file, logs and temp files in (its `-p` prefix). */
  prefix: string;
  /** The largest request body (the upload limit), in bytes. */
  maxBodyBytes: number;
  /** How long a request may take end to end (a large download), in seconds. */
  readTimeoutSeconds?: number;
  /** The user the workers run as when nginx starts as root (its files are root's). */
  user?: string;
}

export function nginxConfig({ tiers, prefix, maxBodyBytes, readTimeoutSeconds = 600, user }: NginxConfigOptions): string {
  const upstreams = tiers.map((tier) => `
  upstream ${tier.name} {
${tier.servers.map((server) => `    server ${server} max_fails=1 fail_timeout=2s;`).join("\n")}
    keepalive 32;
  }

  server {
    listen 127.0.0.1:${tier.listenPort};
    location / {
      proxy_pass http://${tier.name};
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_next_upstream error;
      proxy_next_upstream_tries 2;
      proxy_connect_timeout 2s;
      proxy_read_timeout ${readTimeoutSeconds}s;
      proxy_send_timeout ${readTimeoutSeconds}s;
      proxy_request_buffering off;
      proxy_buffering off;
      client_max_body_size ${maxBodyBytes};
    }
  }`).join("\n");
  return `# Written by service-kit/src/cluster/nginxConfig.ts for this cluster; rewritten at every start.
daemon off;
${user ? `user ${user};\n` : ""}worker_processes 1;
pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log warn;

events {
  worker_connections 4096;
}

http {
  access_log off;
  client_body_temp_path ${prefix}/client_body;
  proxy_temp_path ${prefix}/proxy;
  fastcgi_temp_path ${prefix}/fastcgi;
  uwsgi_temp_path ${prefix}/uwsgi;
  scgi_temp_path ${prefix}/scgi;
${upstreams}
}
`;
}
