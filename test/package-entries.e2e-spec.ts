import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..');
const HEAVY =
  /node_modules\/(kysely|croner|luxon|cron|@nestjs\/swagger|@nestjs\/schedule|pg|better-sqlite3|ioredis)\//;

/** The heavy packages a fresh Node process has loaded after requiring `entry`. */
function heavyLoadedBy(entry: string): string[] {
  const script = `
    require('reflect-metadata');
    require(${JSON.stringify(entry)});
    const heavy = new Set();
    for (const file of Object.keys(require.cache)) {
      const match = ${HEAVY.toString()}.exec(file);
      if (match) heavy.add(match[1]);
    }
    console.log(JSON.stringify([...heavy].sort()));`;
  const output = execFileSync(process.execPath, ['-e', script], { cwd: root, encoding: 'utf8' });
  return JSON.parse(output) as string[];
}

function builtFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? builtFiles(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

// What requiring each entry of the built package costs an app: the main entry must not pull in
// what only durable delivery or reminders need (run against dist/, as an app would load it).
describe('@nest-realtime/core entry points (built package)', () => {
  it('the main entry loads no database, cron, scheduler, Redis or swagger package', () => {
    expect(heavyLoadedBy('@nest-realtime/core')).toEqual([]);
  });

  it('/kysely loads kysely and nothing of reminders', () => {
    expect(heavyLoadedBy('@nest-realtime/core/kysely')).toEqual(['kysely']);
  });

  it('/reminders loads kysely and croner', () => {
    expect(heavyLoadedBy('@nest-realtime/core/reminders')).toEqual(['croner', 'kysely']);
  });

  it('/redis loads ioredis and nothing of the database', () => {
    expect(heavyLoadedBy('@nest-realtime/core/redis')).toEqual(['ioredis']);
  });

  it('the built JavaScript names no swagger and no path alias of this repository', () => {
    const js = builtFiles(join(root, 'libs/realtime/dist')).filter((file) => file.endsWith('.js'));
    expect(js.length).toBeGreaterThan(50);
    const offending = js.filter((file) =>
      /@nestjs\/swagger|@app\//.test(readFileSync(file, 'utf8')),
    );
    expect(offending).toEqual([]);
  });
});
