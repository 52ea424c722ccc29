/**
 * The nginx config of the three-instance tests, as plain text builders (no jest, no I/O), so that
 * the deployment guide can show, and a docs test can compare, the very text the tests run.
 */

/** What {@link nginxSiteConfig} puts in front of the backends. */
export interface NginxSiteOptions {
  /** `host:port` nginx listens on. */
  listen: string;
  /** `host:port` of every backend instance. */
  backends: readonly string[];
}

/**
 * The `http { … }` part of an nginx config that spreads the backend over several instances:
 * round-robin, no stickiness (the instances share PostgreSQL and Redis, any of them serves any
 * request or socket), WebSocket upgrades passed through. It is what `docs/deployment.md` shows;
 * the test wraps it in {@link nginxTestConfig}.
 */
export function nginxSiteConfig({ listen, backends }: NginxSiteOptions): string {
  return `# An upgrade request keeps "Connection: upgrade" to the backend; any other closes.
map $http_upgrade $connection_upgrade {
    default upgrade;
    ''      close;
}

# Round-robin (nginx's default), no ip_hash or sticky cookie: no affinity is needed.
upstream realtime_backends {
${backends.map((backend) => `    server ${backend};`).join('\n')}
}

server {
    listen ${listen};

    location / {
        proxy_pass http://realtime_backends;
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection $connection_upgrade;
        proxy_set_header Host $host;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;
        # An idle WebSocket carries a ping every WS_HEARTBEAT_INTERVAL_MS (30 s): keep the
        # timeouts well above it, or nginx closes sockets that are fine.
        proxy_read_timeout 75s;
        proxy_send_timeout 75s;
    }
}
`;
}

/**
 * A whole config for an unprivileged nginx of the test's own: everything (pid, logs, temp
 * files) under `dir`; the access log names the backend that served each request.
 */
export function nginxTestConfig(dir: string, site: NginxSiteOptions): string {
  const indented = nginxSiteConfig(site)
    .trimEnd()
    .split('\n')
    .map((line) => (line === '' ? line : `    ${line}`))
    .join('\n');
  return `worker_processes 1;
error_log ${dir}/error.log warn;

events {
    worker_connections 1024;
}

http {
    log_format upstream '$request_method $uri $status upstream=$upstream_addr';
    access_log ${dir}/access.log upstream;
    client_body_temp_path ${dir}/client_body;
    proxy_temp_path ${dir}/proxy;
    fastcgi_temp_path ${dir}/fastcgi;
    uwsgi_temp_path ${dir}/uwsgi;
    scgi_temp_path ${dir}/scgi;

${indented}
}
`;
}
