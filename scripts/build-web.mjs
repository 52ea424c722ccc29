// Builds the demo page the reference backend serves at `/`: its script bundled with the client
// SDK, imported as the package `@nest-realtime/client` (built by `npm run build:packages`), as
// any app's bundler would. Output goes to dist-web/, outside dist/, because `nest build` empties
// dist/.
import { build } from 'esbuild';
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
console.log('dist-web: demo/');
