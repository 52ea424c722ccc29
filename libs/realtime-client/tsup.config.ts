import { defineConfig } from 'tsup';

// ESM and CommonJS from one source, each with its declarations bundled into one file
// (index.d.ts for import, index.d.cts for require), so no relative import is left for a
// `moduleResolution: node16` consumer to resolve. Platform "browser": a Node built-in in the
// SDK is a build error.
export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  platform: 'browser',
  target: ['es2022', 'chrome110', 'firefox110', 'safari16'],
  dts: true,
  sourcemap: false,
  clean: true,
  tsconfig: 'tsconfig.lib.json',
  outDir: 'dist',
});
