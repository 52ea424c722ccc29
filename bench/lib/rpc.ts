import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

/** A request from the harness to a child process over Node's IPC channel. */
interface RpcRequest {
  id: number;
  method: string;
  params: unknown;
}

/** The child's answer. */
interface RpcResponse {
  id: number;
  result?: unknown;
  error?: string;
}

type Handler = (params: never) => unknown;

/** In a child: answers the harness's calls with `handlers`, then says it is ready with `hello`. */
export function serveRpc(handlers: Record<string, Handler>, hello: unknown): void {
  process.on('message', (message: RpcRequest) => {
    const handler = handlers[message.method];
    const reply = (response: Omit<RpcResponse, 'id'>): void => {
      process.send?.({ id: message.id, ...response });
    };
    if (handler === undefined) {
      reply({ error: `unknown method ${message.method}` });
      return;
    }
    Promise.resolve()
      .then(() => handler(message.params as never))
      .then(
        (result) => reply({ result }),
        (error: unknown) => reply({ error: error instanceof Error ? error.stack : String(error) }),
      );
  });
  // The harness going away must not leave a child behind.
  process.on('disconnect', () => process.exit(0));
  process.send?.({ id: 0, result: hello });
}

const ROOT = join(__dirname, '..', '..');

/** A child process the harness drives with {@link RpcChild.call}. */
export class RpcChild {
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: Error) => void }
  >();
  readonly ready: Promise<unknown>;

  private constructor(readonly process: ChildProcess) {
    let onReady!: (value: unknown) => void;
    let onFail!: (error: Error) => void;
    this.ready = new Promise((resolve, reject) => {
      onReady = resolve;
      onFail = reject;
    });
    process.on('message', (message: RpcResponse) => {
      if (message.id === 0) {
        onReady(message.result);
        return;
      }
      const waiter = this.pending.get(message.id);
      if (waiter === undefined) return;
      this.pending.delete(message.id);
      if (message.error !== undefined) waiter.reject(new Error(message.error));
      else waiter.resolve(message.result);
    });
    process.once('exit', (code, signal) => {
      const error = new Error(`child exited (${code ?? signal})`);
      onFail(error);
      for (const waiter of this.pending.values()) waiter.reject(error);
      this.pending.clear();
    });
  }

  /**
   * Starts `entry` (a TypeScript file under bench/) with `args`, pinned to `cpu` when `taskset`
   * exists, with `--expose-gc` so memory can be read after a collection.
   */
  static start(
    entry: string,
    args: string[],
    cpu: number | undefined,
    extraNodeArgs: readonly string[] = [],
  ): RpcChild {
    const nodeArgs = [
      '--max-old-space-size=8192',
      '--expose-gc',
      ...extraNodeArgs,
      '-r',
      'ts-node/register/transpile-only',
      '-r',
      'tsconfig-paths/register',
      join(ROOT, 'bench', entry),
      ...args,
    ];
    const [command, commandArgs] =
      cpu !== undefined && hasTaskset()
        ? ['taskset', ['-c', String(cpu), process.execPath, ...nodeArgs]]
        : [process.execPath, nodeArgs];
    const child = spawn(command, commandArgs, {
      cwd: ROOT,
      env: { ...process.env, TS_NODE_PROJECT: join(ROOT, 'tsconfig.json') },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return new RpcChild(child);
  }

  call<T>(method: string, params: unknown = {}): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.process.send({ id, method, params } satisfies RpcRequest);
    });
  }

  /**
   * Stops the child and waits for it to exit: SIGTERM first, so a child started with
   * `--cpu-prof` exits normally and writes its profile, then SIGKILL if it lingers.
   */
  async stop(): Promise<void> {
    if (this.process.exitCode !== null || this.process.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.process.once('exit', () => resolve()));
    this.process.kill('SIGTERM');
    const timer = setTimeout(() => this.process.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }
}

let tasksetAvailable: boolean | undefined;

function hasTaskset(): boolean {
  if (tasksetAvailable === undefined) {
    try {
      execFileSync('taskset', ['-p', String(process.pid)], {
        stdio: 'ignore',
      });
      tasksetAvailable = true;
    } catch {
      tasksetAvailable = false;
    }
  }
  return tasksetAvailable;
}
