// Checks what `npm pack` of each package would publish: publint (strict: warnings fail) and
// @arethetypeswrong/cli (every entry typed under node10, node16 CJS and ESM, and bundlers),
// then the file list: JavaScript, declarations, README and LICENSE, and nothing from tests,
// sources or the backend. Run after `npm run build:packages`.
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules/.bin', name);
const packages = ['libs/realtime-client', 'libs/realtime'];
let failed = false;

for (const dir of packages) {
  const cwd = join(root, dir);
  const run = (command, args) => {
    try {
      execFileSync(command, args, { cwd, stdio: 'inherit' });
    } catch {
      failed = true;
      console.error(`✗ ${dir}: ${[command, ...args].join(' ')} failed`);
    }
  };
  run(bin('publint'), ['--strict']);
  run(bin('attw'), ['--pack', '.', '--format', 'table-flipped']);

  const [report] = JSON.parse(
    execFileSync('npm', ['pack', '--dry-run', '--json'], { cwd, encoding: 'utf8' }),
  );
  const files = report.files.map((file) => file.path);
  const problems = [];
  for (const required of ['README.md', 'LICENSE', 'package.json']) {
    if (!files.includes(required)) problems.push(`missing ${required}`);
  }
  if (!files.some((file) => /^dist\/.+\.c?js$/.test(file))) problems.push('no JavaScript');
  if (!files.some((file) => /^dist\/.+\.d\.c?ts$/.test(file))) problems.push('no declarations');
  const stray = files.filter(
    (file) =>
      !/^(README\.md|LICENSE|package\.json)$/.test(file) &&
      (!file.startsWith('dist/') || /\.spec\.|\/testing\/|\.ts$(?<!\.d\.c?ts)|\.map$/.test(file)),
  );
  if (stray.length > 0) problems.push(`unexpected files: ${stray.join(', ')}`);
  if (problems.length > 0) {
    failed = true;
    console.error(`✗ ${report.name}: ${problems.join('; ')}`);
  } else {
    console.log(
      `✓ ${report.name}@${report.version}: ${files.length} files, ${report.size} bytes packed`,
    );
  }
}
process.exit(failed ? 1 : 0);
