import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Issue #10, defect 12: on a full disk SQLite rolls the transaction back itself, and the
 * ROLLBACK that followed failed with "cannot rollback - no transaction is active", which is
 * what the caller got instead of SQLITE_FULL. A real full disk: a 640 KiB tmpfs, mounted in a
 * private mount namespace of a child process (`unshare`), so nothing outside it sees the mount.
 */
describe('Fault: SQLite on a full disk', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nest-realtime-sqlite-full-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('fails the append with SQLITE_FULL, loses nothing committed, and writes once space is freed', async () => {
    const writer = join(__dirname, '..', 'support', 'sqlite-full-writer.ts');
    const node = [
      process.execPath,
      '-r',
      'ts-node/register/transpile-only',
      '-r',
      'tsconfig-paths/register',
      writer,
      dir,
    ]
      .map((part) => `'${part}'`)
      .join(' ');
    const { stdout } = await run(
      'unshare',
      [
        '--mount',
        '--map-root-user',
        'sh',
        '-c',
        `mount -t tmpfs -o size=640k tmpfs '${dir}' && exec ${node}`,
      ],
      { cwd: join(__dirname, '..', '..') },
    );
    const seen = JSON.parse(stdout) as {
      written: number;
      failure?: { code: unknown; message: string };
      after: number;
      head: { lastSeq: number };
    };
    expect(seen.written).toBeGreaterThan(0);
    expect(seen.failure).toEqual({ code: 'SQLITE_FULL', message: 'database or disk is full' });
    expect(seen.after).toBe(20);
    expect(seen.head.lastSeq).toBe(seen.written + 20);
  }, 60_000);
});
