import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Environment variables set for one test and put back afterwards, with a temporary directory
 * removed at the same time. Config is read from `process.env` when a module is created, so each
 * test sets what it needs before compiling its module.
 */
export class ScopedEnvironment {
  /** A fresh directory under the system's temp dir, for data files. */
  readonly dir: string;
  private readonly saved = new Map<string, string | undefined>();

  constructor(prefix: string, variables: (dir: string) => Record<string, string> = () => ({})) {
    this.dir = mkdtempSync(join(tmpdir(), `nest-realtime-${prefix}-`));
    this.set(variables(this.dir));
  }

  /** Sets variables, remembering their previous values the first time each is touched. */
  set(variables: Record<string, string | undefined>): void {
    for (const [name, value] of Object.entries(variables)) {
      if (!this.saved.has(name)) this.saved.set(name, process.env[name]);
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }

  /** Puts every touched variable back and removes the directory. */
  restore(): void {
    for (const [name, value] of this.saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    this.saved.clear();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
