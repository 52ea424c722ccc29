import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const LISTENING = /Listening on (https?:\/\/[\d.]+:\d+)/;

/** The reference backend in a child process, started the way `main.ts` runs in production. */
export interface BackendProcess {
  child: ChildProcess;
  httpUrl: string;
  wsUrl: string;
  /** Resolves with the exit code and signal once the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Everything written to stdout and stderr so far. */
  output(): string;
}

/** Spawns `src/main.ts` (transpiled on the fly) on port 0 and waits until it listens. */
export function spawnBackend(
  env: Record<string, string>,
  timeoutMs = 60_000,
): Promise<BackendProcess> {
  const child = spawn(
    process.execPath,
    [
      '-r',
      'ts-node/register/transpile-only',
      '-r',
      'tsconfig-paths/register',
      join(ROOT, 'src', 'main.ts'),
    ],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        PORT: '0',
        HOST: '127.0.0.1',
        NODE_ENV: 'test',
        // As in backend-test-app.ts: fast hashes, loose request limits.
        PASSWORD_HASH_COST: '10',
        THROTTLE_AUTH_LIMIT: '10000',
        THROTTLE_LIMIT: '1000000',
        TS_NODE_PROJECT: join(ROOT, 'tsconfig.json'),
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`backend did not start within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = (): void => {
      const match = LISTENING.exec(output);
      if (match === null) return;
      clearTimeout(timer);
      child.stdout.off('data', onData);
      resolve({
        child,
        httpUrl: match[1],
        wsUrl: `${match[1].replace('http', 'ws')}/ws`,
        exited,
        output: () => output,
      });
    };
    // Everything the process writes, to its end, so tests can read the lines logged later.
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`backend exited (${code ?? signal}) before listening:\n${output}`));
    });
  });
}

/** Ends a backend a test started, with SIGKILL, if it is still running; waits for its exit. */
export async function killIfRunning(backend: BackendProcess | undefined): Promise<void> {
  if (backend === undefined) return;
  if (backend.child.exitCode !== null || backend.child.signalCode !== null) return;
  backend.child.kill('SIGKILL');
  await backend.exited;
}

/**
 * Resolves with the first match of `pattern` in what the backend writes from character `from`
 * of its output on (see {@link BackendProcess.output}), as soon as it is written; rejects after
 * `timeoutMs` or when the process exits first.
 */
export function waitForOutput(
  backend: BackendProcess,
  pattern: RegExp,
  from = 0,
  timeoutMs = 15_000,
): Promise<RegExpExecArray> {
  const { stdout, stderr } = backend.child;
  return new Promise((resolve, reject) => {
    const check = (): void => {
      const match = pattern.exec(backend.output().slice(from));
      if (match === null) return;
      done();
      resolve(match);
    };
    const exited = (): void => {
      done();
      reject(new Error(`backend exited before writing ${pattern}:\n${backend.output()}`));
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`backend did not write ${pattern} within ${timeoutMs} ms`));
    }, timeoutMs);
    const done = (): void => {
      clearTimeout(timer);
      stdout?.off('data', check);
      stderr?.off('data', check);
      backend.child.off('exit', exited);
    };
    // Registered after spawnBackend's own listeners, so output() already holds each chunk.
    stdout?.on('data', check);
    stderr?.on('data', check);
    backend.child.once('exit', exited);
    check();
  });
}
