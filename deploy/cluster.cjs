// Several backend processes on one machine, sharing one port: Node's cluster module. The primary
// accepts connections and hands them to the workers round-robin (Node's default on Linux); no
// sticky sessions are needed, since every worker is a full instance on the shared PostgreSQL
// (DATABASE_URL) and Redis (REDIS_URL). See docs/deployment.md.
//
//   npm run build && WEB_CONCURRENCY=4 DATABASE_URL=… REDIS_URL=… node deploy/cluster.cjs
//
// WEB_CONCURRENCY: how many workers (default: one per CPU). The first argument, if given, is the
// worker's entry point (default: dist/src/main.js). SIGTERM or SIGINT stops every worker
// gracefully (each closes its sockets with 1001) and then the primary. A worker that dies after it
// was listening is replaced; one that dies before (a configuration error) stops the whole group.
'use strict';
const cluster = require('node:cluster');
const { availableParallelism } = require('node:os');
const { join, resolve } = require('node:path');

const count = Number(process.env.WEB_CONCURRENCY) || availableParallelism();
const main = resolve(process.argv[2] ?? join(__dirname, '..', 'dist', 'src', 'main.js'));
const listening = new WeakSet();
let stopping = false;
let exitCode = 0;

cluster.setupPrimary({ exec: main, args: [] });
cluster.on('listening', (worker) => listening.add(worker));
cluster.on('exit', (worker, code, signal) => {
  if (stopping) {
    if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(exitCode);
    return;
  }
  if (!listening.has(worker)) {
    console.error(`worker ${worker.process.pid} exited (${signal ?? code}) before listening`);
    exitCode = typeof code === 'number' && code !== 0 ? code : 1;
    stop();
    return;
  }
  console.error(`worker ${worker.process.pid} exited (${signal ?? code}); starting another`);
  cluster.fork();
});

function stop() {
  stopping = true;
  const workers = Object.values(cluster.workers ?? {});
  if (workers.length === 0) process.exit(exitCode);
  for (const worker of workers) worker.process.kill('SIGTERM');
}

process.once('SIGTERM', stop);
process.once('SIGINT', stop);
for (let i = 0; i < count; i++) cluster.fork();
