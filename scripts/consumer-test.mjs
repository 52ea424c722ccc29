// The consumer test: installs the two packages as a stranger would and uses them.
//
// Packs @nest-realtime/core and @nest-realtime/client, then, for each case below, creates a Nest
// application in a fresh temporary directory outside the repository from nothing but the files
// of examples/consumer (its package.json, tsconfig.json and sources: no path aliases, no access
// to this repository's node_modules), installs the tarballs and Nest from the registry with the
// README's install commands, builds it with tsc (`moduleResolution: node16`) and esbuild, boots
// it, and checks it from outside: handshakes refused without a credential, a Node client of the
// client package (request, reply, push, validation error; durable push and a reminder where
// configured), the browser bundle in Chromium, and a clean shutdown on SIGTERM.
//
// Cases: the full app (durable delivery and reminders on PostgreSQL) at the lowest and at the
// highest versions the peer ranges allow for @nestjs/* and ws, a live-push-only app that
// installs neither kysely nor croner, and the full app on two instances with ioredis (a
// redis-server of its own on a free port): a ticket minted on one is accepted on the other, a
// durable push written on one reaches the user's sockets on both.
//
// Usage: npm run build:packages && node scripts/consumer-test.mjs [--keep] [--only=<case>]
// Needs: the npm registry, PostgreSQL on 127.0.0.1:5432 (trust auth; PG* variables apply),
// Chromium at /usr/bin/chromium (or CHROMIUM_PATH), redis-server on the PATH.
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { chromium } from 'playwright-core';
import WebSocket from 'ws';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const example = join(root, 'examples/consumer');
const keep = process.argv.includes('--keep');
const only = process.argv.find((arg) => arg.startsWith('--only='))?.slice('--only='.length);
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The README's install commands (examples/consumer/install.json); our two become tarballs. */
const {
  runtime: RUNTIME,
  durable: DURABLE,
  cluster: CLUSTER,
  dev: DEV,
} = JSON.parse(readFileSync(join(example, 'install.json'), 'utf8'));

/**
 * Versions per case: "highest" installs each peer by its range (npm takes the highest that
 * fits), "lowest" pins the lowest version each range allows, for the peers and for ws (a
 * dependency of @nest-realtime/core, pinned with `overrides`). @nestjs/platform-express follows
 * @nestjs/core.
 */
const corePackage = JSON.parse(readFileSync(join(root, 'libs/realtime/package.json'), 'utf8'));
const ranges = {
  ...corePackage.peerDependencies,
  ws: corePackage.dependencies.ws,
  '@nestjs/platform-express': corePackage.peerDependencies['@nestjs/core'],
};
const lowestOf = (range) => /(\d+\.\d+\.\d+)/.exec(range)[1];

const CASES = [
  { name: 'full-highest', durable: true, lowest: false },
  { name: 'full-lowest', durable: true, lowest: true },
  { name: 'live-only', durable: false, lowest: false },
  { name: 'cluster', durable: true, lowest: false, cluster: true },
];

let passed = 0;
let failed = 0;
function check(label, condition, detail) {
  if (condition) {
    passed += 1;
    console.log(`  ✓ ${label}`);
  } else {
    failed += 1;
    console.log(`  ✗ ${label}${detail === undefined ? '' : `: ${detail}`}`);
  }
}

// npm and Node variables of the `npm run` that started us must not reach the consumer's npm.
const cleanEnv = Object.fromEntries(
  Object.entries(process.env).filter(
    ([key]) => !/^npm_/i.test(key) && key !== 'NODE_PATH' && key !== 'NODE_OPTIONS',
  ),
);

/** Runs a command to completion; throws (with its output) when it fails. */
function run(command, args, cwd) {
  return execFileSync(command, args, {
    cwd,
    env: cleanEnv,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
}

const work = mkdtempSync(join(tmpdir(), 'nest-realtime-consumer-'));
console.log(`consumer test in ${work}`);
// Nothing above the app may lend it packages: Node would find them on its way up.
for (let dir = dirname(work); ; dir = dirname(dir)) {
  check(`no node_modules in ${dir}`, !existsSync(join(dir, 'node_modules')));
  if (dirname(dir) === dir) break;
}

// 1. The tarballs, exactly what `npm publish` would upload.
const packed = JSON.parse(
  run(
    'npm',
    [
      'pack',
      '--json',
      '--pack-destination',
      work,
      '-w',
      '@nest-realtime/client',
      '-w',
      '@nest-realtime/core',
    ],
    root,
  ),
);
const tarball = Object.fromEntries(packed.map((p) => [p.name, join(work, p.filename)]));
console.log(`packed ${packed.map((p) => p.filename).join(', ')}`);

const admin = new pg.Client({
  host: process.env.PGHOST ?? '127.0.0.1',
  port: Number(process.env.PGPORT ?? 5432),
  user: process.env.PGUSER ?? 'postgres',
  database: 'postgres',
});
await admin.connect();

try {
  for (const testCase of CASES) {
    if (only !== undefined && testCase.name !== only) continue;
    await runCase(testCase);
  }
} finally {
  await admin.end();
  if (!keep) rmSync(work, { recursive: true, force: true });
}

// Not the "N passed, N failed" form: the closing line of CI is the test runner's.
console.log(`consumer test: ${passed} checks passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);

async function runCase({ name, durable, lowest, cluster = false }) {
  const versionOf = (pkg) => (lowest ? lowestOf(ranges[pkg]) : ranges[pkg]);
  console.log(
    `\n${name}: ${lowest ? 'lowest' : 'highest'} versions the ranges allow` +
      `${durable ? ', with kysely + pg + croner' : ', live push only'}` +
      `${cluster ? ', on two instances with ioredis' : ''}`,
  );
  const app = join(work, name);
  cpSync(example, app, {
    recursive: true,
    filter: (source) =>
      !/[/\\](node_modules|dist|live-only|cluster)([/\\]|$)|public[/\\]app\.js$/.test(source),
  });
  if (!durable) {
    // The live-push-only app: its own module, no database files.
    cpSync(join(example, 'live-only/app.module.ts'), join(app, 'src/app.module.ts'));
    for (const file of ['database.ts', 'notes.controller.ts']) rmSync(join(app, 'src', file));
  }
  if (cluster) {
    // The same app with the Redis transport and ticket store.
    cpSync(join(example, 'cluster/app.module.ts'), join(app, 'src/app.module.ts'));
  }
  if (lowest) {
    // ws is a dependency of @nest-realtime/core: pin the copy it gets, too.
    const manifest = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8'));
    manifest.overrides = { ws: versionOf('ws') };
    writeFileSync(join(app, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  }

  const spec = (pkg) => tarball[pkg] ?? `${pkg}@${versionOf(pkg)}`;
  const install = (packages, dev = false) =>
    run(
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        // Pinned versions are saved as such (an override must equal the direct dependency).
        ...(lowest ? ['--save-exact'] : []),
        ...(dev ? ['--save-dev'] : []),
        ...packages,
      ],
      app,
    );
  const started = Date.now();
  try {
    install(RUNTIME.map(spec));
    if (durable) install(DURABLE.map(spec));
    if (cluster) install(CLUSTER.map(spec));
    install(DEV, true);
  } catch (error) {
    check('npm install', false, `${error.stderr}`.split('\n').slice(0, 30).join('\n'));
    return;
  }
  console.log(`  installed in ${((Date.now() - started) / 1000).toFixed(0)} s`);

  // What npm resolved, read from the installed tree; ws as @nest-realtime/core resolves it.
  const installed = (pkg, from = app) => {
    // Node's lookup: the nearest node_modules up from `from` that has the package.
    for (let dir = from; dir.startsWith(app); dir = dirname(dir)) {
      const manifest = join(dir, 'node_modules', pkg, 'package.json');
      if (existsSync(manifest)) return JSON.parse(readFileSync(manifest, 'utf8')).version;
    }
    return undefined;
  };
  const coreDir = join(app, 'node_modules/@nest-realtime/core');
  const resolved = Object.fromEntries(
    Object.keys(ranges)
      // What this case installs (an optional peer it leaves out, such as ioredis, is not there).
      .filter(
        (pkg) =>
          RUNTIME.includes(pkg) ||
          (durable && DURABLE.includes(pkg)) ||
          (cluster && CLUSTER.includes(pkg)),
      )
      .map((pkg) => [pkg, installed(pkg, pkg === 'ws' ? coreDir : app)]),
  );
  console.log(
    `  resolved ${Object.entries(resolved)
      .map(([pkg, v]) => `${pkg}@${v}`)
      .join(', ')}`,
  );
  if (lowest) {
    const off = Object.entries(resolved).filter(([pkg, v]) => v !== lowestOf(ranges[pkg]));
    check(
      'every peer and ws at the lowest version its range allows',
      off.length === 0,
      JSON.stringify(off),
    );
  }
  const absent = ['kysely', 'croner', 'pg', '@nestjs/swagger', '@nestjs/schedule'].filter(
    (pkg) => !existsSync(join(app, 'node_modules', pkg)),
  );
  if (!durable) {
    check(
      'installs neither kysely nor croner (nor pg, swagger, schedule)',
      absent.length === 5,
      `absent: ${absent}`,
    );
    const missing = runNode(app, ['-e', "require('@nest-realtime/core/kysely')"]);
    check(
      '@nest-realtime/core/kysely without kysely fails with what to install',
      missing.code !== 0 && missing.stderr.includes('npm install kysely'),
      missing.stderr.split('\n').find((line) => line.includes('Error')),
    );
  } else {
    check(
      'installs neither @nestjs/swagger nor @nestjs/schedule',
      absent.includes('@nestjs/swagger') && absent.includes('@nestjs/schedule'),
    );
  }

  try {
    run('npm', ['run', 'build'], app);
    check('tsc (node16) and esbuild build it', true);
  } catch (error) {
    check('tsc (node16) and esbuild build it', false, `${error.stdout}${error.stderr}`);
    return;
  }
  // The app skips lib checks, as Nest's starter does (some peers' own .d.ts do not pass);
  // our declarations must pass them: every error under @nest-realtime/ fails the case.
  let libErrors = '';
  try {
    run(
      join(app, 'node_modules/.bin/tsc'),
      ['-p', 'tsconfig.json', '--noEmit', '--skipLibCheck', 'false'],
      app,
    );
  } catch (error) {
    libErrors = `${error.stdout}`;
  }
  const ours = libErrors.split('\n').filter((line) => line.includes('@nest-realtime/'));
  check('our declarations type-check with skipLibCheck off', ours.length === 0, ours.join('\n'));

  let database;
  if (durable) {
    database = `consumer_${process.pid}_${name.replace(/\W/g, '_')}`;
    await admin.query(`DROP DATABASE IF EXISTS ${database}`);
    await admin.query(`CREATE DATABASE ${database}`);
  }
  const redis = cluster ? await startRedis() : undefined;
  const env = {
    PORT: '0',
    ...(database === undefined
      ? {}
      : { DATABASE_URL: `postgres://${admin.user}@${admin.host}:${admin.port}/${database}` }),
    ...(redis === undefined ? {} : { REDIS_URL: redis.url }),
  };
  const { child: server, output: serverOutput } = startApp(app, env);
  try {
    const url = await listening(server, serverOutput);
    check(`boots (${url})`, true);

    const wsUrl = `${url.replace(/^http/, 'ws')}/ws`;
    check('handshake without a credential: 401', (await handshake(wsUrl, {})) === 401);
    check(
      'handshake with a wrong token: 401',
      (await handshake(wsUrl, { authorization: 'Bearer wrong' })) === 401,
    );
    check(
      'handshake on another path: 404',
      (await handshake(`${url.replace(/^http/, 'ws')}/nope`, {
        authorization: 'Bearer alice-token',
      })) === 404,
    );

    const args = ['dist/client.js', url, 'alice-token', ...(durable ? ['--durable'] : [])];
    const client = runNode(app, args);
    let seen;
    try {
      seen = JSON.parse(client.stdout.trim().split('\n').pop());
    } catch {
      check('Node client ran', false, `${client.stdout}${client.stderr}`);
      return;
    }
    check(
      'Node client: request answered ({ delivered: 1 })',
      seen.reply?.delivered === 1,
      JSON.stringify(seen.reply),
    );
    check(
      'Node client: push received',
      seen.said?.from === 'alice' && seen.said?.text === 'hello',
      JSON.stringify(seen.said),
    );
    check(
      'Node client: bad payload answered VALIDATION_FAILED',
      seen.invalid === 'VALIDATION_FAILED',
      seen.invalid,
    );
    if (durable) {
      check(
        'Node client: durable push with seq 1',
        seen.note?.seq === 1 && seen.note?.data?.text === 'written before it was sent',
        JSON.stringify(seen.note),
      );
      check('Node client: reminder fired', seen.reminder === 'stand up', seen.reminder);
      const { rows } = await withDatabase(database, (db) =>
        db.query(
          "SELECT seq, type FROM realtime_delivery_log WHERE user_id = 'alice' ORDER BY seq",
        ),
      );
      check(
        'the log holds what the client saw: the note (seq 1), then the reminder (seq 2)',
        JSON.stringify(rows.map((row) => [Number(row.seq), row.type])) ===
          JSON.stringify([
            [1, 'note'],
            [2, 'schedule-reminder'],
          ]),
        JSON.stringify(rows),
      );
      // The README's StatsController: the module's counters, read by the app.
      const stats = await getJson(`${url}/realtime-stats`, 'alice-token');
      check(
        'RealtimeMetrics through the app: handshakes, messages and durable commits counted',
        stats.handshakes?.['101'] >= 1 &&
          stats.handshakes?.['401'] >= 1 &&
          stats.messages?.say >= 1 &&
          stats.durableCommits >= 2 &&
          stats.pushedFrames >= 1,
        JSON.stringify(stats),
      );
    }

    await browserCheck(url);
    if (cluster) await secondInstanceChecks(app, env, url);
  } finally {
    await checkShutdown('shuts down', server, serverOutput);
    if (database !== undefined) await admin.query(`DROP DATABASE IF EXISTS ${database}`);
    await redis?.stop();
  }
}

/**
 * A second instance of the app on the same database and Redis: a ticket minted on the first is
 * accepted once, on the second; a durable push written on the first reaches the user's sockets on
 * both instances with the same seq.
 */
async function secondInstanceChecks(app, env, firstUrl) {
  const { child: second, output } = startApp(app, env);
  const sockets = [];
  try {
    const secondUrl = await listening(second, output);
    check(`a second instance boots (${secondUrl})`, true);
    const wsOf = (url) => `${url.replace(/^http/, 'ws')}/ws`;

    const { ticket } = await postJson(`${firstUrl}/ws-ticket`, 'alice-token', {});
    const ticketUrl = (url) => `${wsOf(url)}?ticket=${encodeURIComponent(ticket)}`;
    const onSecond = await openSocket(ticketUrl(secondUrl), {});
    sockets.push(onSecond);
    check('a ticket minted on one instance opens a socket on the other', onSecond !== undefined);
    check(
      'the same ticket again, on the first instance: 401',
      (await handshake(ticketUrl(firstUrl), {})) === 401,
    );
    const onFirst = await openSocket(wsOf(firstUrl), { authorization: 'Bearer alice-token' });
    sockets.push(onFirst);

    const isNote = (frame) => frame.type === 'note' && frame.data?.text === 'across instances';
    const seen = Promise.all([nextFrame(onFirst, isNote), nextFrame(onSecond, isNote)]);
    const written = await postJson(`${firstUrl}/notes`, 'alice-token', {
      text: 'across instances',
    });
    const [first, other] = await seen;
    check(
      "a durable push written on one instance reaches the user's sockets on both, same seq",
      first?.seq === written.seq && other?.seq === written.seq,
      JSON.stringify({ written, first, other }),
    );
  } catch (error) {
    check('second instance', false, `${error}\n${output().slice(-800)}`);
  } finally {
    for (const socket of sockets) socket?.terminate();
    await checkShutdown('the second instance shuts down', second, output);
  }
}

/** Starts the built app (`node dist/main.js`) with `env`; `output()` is what it printed so far. */
function startApp(app, env) {
  const child = spawn(process.execPath, ['dist/main.js'], {
    cwd: app,
    env: { ...cleanEnv, ...env },
  });
  let text = '';
  child.stdout.on('data', (chunk) => (text += chunk));
  child.stderr.on('data', (chunk) => (text += chunk));
  return { child, output: () => text };
}

/** SIGTERM, then checks that the app exits within 15 s and logged no error (SIGKILL if not). */
async function checkShutdown(label, child, output) {
  const exited = child.exitCode !== null ? Promise.resolve() : once(child, 'exit');
  child.kill('SIGTERM');
  const timeout = new Promise((resolve) => setTimeout(resolve, 15_000, 'timeout'));
  const result = await Promise.race([exited, timeout]);
  if (result === 'timeout') child.kill('SIGKILL');
  // Nest's shutdown hooks run, then re-raise the signal: the process ends by SIGTERM.
  check(
    `${label} on SIGTERM within 15 s, logging no error`,
    result !== 'timeout' &&
      (child.exitCode === 0 || child.signalCode === 'SIGTERM') &&
      !/ERROR|Unhandled|uncaught/i.test(output()),
    `exit ${child.exitCode ?? child.signalCode}; ${output().slice(-800)}`,
  );
}

async function getJson(url, token) {
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  if (!response.ok) throw new Error(`GET ${url}: ${response.status} ${await response.text()}`);
  return response.json();
}

async function postJson(url, token, body) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`POST ${url}: ${response.status} ${await response.text()}`);
  return response.json();
}

/** An open socket (after the handshake), or undefined when it was refused. */
function openSocket(url, headers) {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, { headers });
    socket.once('open', () => resolve(socket));
    socket.once('unexpected-response', (_request, response) => {
      response.resume();
      socket.terminate();
      resolve(undefined);
    });
    socket.once('error', () => resolve(undefined));
  });
}

/** The first frame `matches` accepts within 15 s (time for the periodic position check), or undefined. */
function nextFrame(socket, matches) {
  if (socket === undefined) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const timer = setTimeout(() => done(undefined), 15_000);
    const onMessage = (raw) => {
      const frame = JSON.parse(String(raw));
      if (matches(frame)) done(frame);
    };
    const done = (frame) => {
      clearTimeout(timer);
      socket.off('message', onMessage);
      resolve(frame);
    };
    socket.on('message', onMessage);
  });
}

/** A redis-server of this test's own on a free port, keeping nothing on disk. */
async function startRedis() {
  const port = await new Promise((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port: free } = probe.address();
      probe.close(() => resolve(free));
    });
    probe.once('error', reject);
  });
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  await new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`redis-server did not start:\n${output}`)),
      10_000,
    );
    child.stdout.on('data', () => {
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${code}:\n${output}`));
    });
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}

async function browserCheck(url) {
  const profile = mkdtempSync(join(tmpdir(), 'consumer-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args: JSON.parse(readFileSync(join(root, 'test/support/chromium-flags.json'), 'utf8')).args,
  });
  try {
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (error) => errors.push(String(error)));
    await page.goto(`${url}/#token=bob-token`);
    const log = page.locator('#log');
    try {
      await page.waitForFunction(
        () => {
          const text = document.querySelector('#log')?.textContent ?? '';
          return (
            text.includes('reply delivered=1') && text.includes('said bob: hello from the browser')
          );
        },
        undefined,
        { timeout: 15_000 },
      );
      check('browser bundle in Chromium: ticket, connect, request, reply, push', true);
    } catch {
      check(
        'browser bundle in Chromium: ticket, connect, request, reply, push',
        false,
        `${await log.textContent()} ${errors.join('; ')}`,
      );
    }
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

function listening(server, output) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no "listening on" within 30 s:\n${output()}`)),
      30_000,
    );
    const onData = () => {
      const match = /listening on (http:\/\/\S+)/.exec(output());
      if (match) {
        clearTimeout(timer);
        resolve(match[1].replace('[::1]', '127.0.0.1'));
      }
    };
    server.stdout.on('data', onData);
    server.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before listening:\n${output()}`));
    });
  });
}

function handshake(url, headers) {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, { headers });
    socket.once('unexpected-response', (_request, response) => {
      resolve(response.statusCode);
      response.resume();
      socket.terminate();
    });
    socket.once('open', () => {
      resolve(101);
      socket.terminate();
    });
    socket.once('error', () => resolve(0));
  });
}

/** Runs `node <args>` in the app for at most a minute: its exit code and output, never a throw. */
function runNode(cwd, args) {
  try {
    const stdout = execFileSync(process.execPath, args, {
      cwd,
      env: cleanEnv,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr: '' };
  } catch (error) {
    return { code: error.status ?? 1, stdout: error.stdout ?? '', stderr: error.stderr ?? '' };
  }
}

async function withDatabase(database, use) {
  const db = new pg.Client({ host: admin.host, port: admin.port, user: admin.user, database });
  await db.connect();
  try {
    return await use(db);
  } finally {
    await db.end();
  }
}
