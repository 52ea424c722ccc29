// Builds what browsers load: the client SDK as an ES module (with type declarations) and the
// demo page the reference backend serves at `/`. Output goes to dist-web/, outside dist/,
// because `nest build` empties dist/.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist-web');
rmSync(out, { recursive: true, force: true });

const browser = {
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['es2022', 'chrome110', 'firefox110', 'safari16'],
  sourcemap: true,
  logLevel: 'warning',
  tsconfig: join(root, 'tsconfig.json'),
};

// The SDK: one ES module; platform "browser" makes any Node built-in a build error.
await build({
  ...browser,
  entryPoints: [join(root, 'libs/realtime-client/src/index.ts')],
  outfile: join(out, 'realtime-client/index.mjs'),
});
execFileSync(
  process.execPath,
  [
    join(root, 'node_modules/typescript/bin/tsc'),
    '-p',
    join(root, 'libs/realtime-client/tsconfig.lib.json'),
  ],
  { stdio: 'inherit' },
);

// The demo page: its script bundled with the SDK, its HTML and CSS as they are.
await build({
  ...browser,
  entryPoints: [join(root, 'web/demo/main.ts')],
  outfile: join(out, 'demo/demo.js'),
  minify: true,
});
mkdirSync(join(out, 'demo'), { recursive: true });
for (const file of ['index.html', 'demo.css']) {
  copyFileSync(join(root, 'web/demo', file), join(out, 'demo', file));
}
console.log('dist-web: realtime-client/index.mjs (+ .d.ts), demo/');
