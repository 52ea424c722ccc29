import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port';
import { nginxTestConfig } from './nginx-config';

export { nginxSiteConfig, nginxTestConfig, type NginxSiteOptions } from './nginx-config';

/** Whether Debian's `nginx` is on this machine. */
export function nginxInstalled(): boolean {
  return spawnSync('nginx', ['-v'], { stdio: 'ignore' }).error === undefined;
}

const MISSING = 'nginx is not installed (apt-get install nginx; `.ci/run` does)';

/**
 * `it` for tests that need nginx: skipped with a visible message when it is missing, except
 * under `CI=true`, where the test runs and fails with {@link MISSING}.
 */
export const itWithNginx: jest.It = (() => {
  if (nginxInstalled() || process.env.CI === 'true') return it;
  console.warn(`${MISSING}: skipping the tests that need it.`);
  return it.skip;
})();

/** nginx in front of the backends, as a child process on a free port, in a temp dir. */
export class TestNginx {
  private constructor(
    private readonly child: ChildProcess,
    private readonly dir: string,
    readonly port: number,
  ) {}

  get httpUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get wsUrl(): string {
    return `ws://127.0.0.1:${this.port}/ws`;
  }

  /**
   * Starts nginx round-robin over `backends` (`host:port` each) and waits until it accepts
   * connections.
   *
   * @throws Error naming the missing package when nginx is not installed.
   */
  static async start(backends: readonly string[]): Promise<TestNginx> {
    if (!nginxInstalled()) throw new Error(MISSING);
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'rt-nginx-'));
    // nginx started as root runs its workers as nobody, who must reach the temp paths.
    chmodSync(dir, 0o755);
    const conf = join(dir, 'nginx.conf');
    writeFileSync(conf, nginxTestConfig(dir, { listen: `127.0.0.1:${port}`, backends }));
    const child = spawn(
      'nginx',
      [
        '-p',
        dir,
        '-e',
        join(dir, 'error.log'),
        '-c',
        conf,
        '-g',
        `daemon off; pid ${dir}/nginx.pid;`,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const nginx = new TestNginx(child, dir, port);
    const deadline = Date.now() + 10_000;
    // nginx says nothing when it is up: ask the port (the master listens before it forks).
    while (!(await accepts(port))) {
      if (child.exitCode !== null || Date.now() > deadline) {
        await nginx.stop();
        throw new Error(`nginx did not start (exit ${child.exitCode}):\n${output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return nginx;
  }

  /**
   * The backend (`host:port`) of every request logged so far whose line starts with `prefix`
   * (`GET /ws 101`, say), in order, from the access log.
   */
  upstreams(prefix = ''): string[] {
    return readFileSync(join(this.dir, 'access.log'), 'utf8')
      .split('\n')
      .filter((line) => line.startsWith(prefix))
      .flatMap((line) => /upstream=(\S+)/.exec(line)?.[1] ?? []);
  }

  /** Stops nginx (by its pid) and removes its directory. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = once(this.child, 'exit');
      this.child.kill('SIGTERM');
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
