import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The project root: the nearest folder above this file with a package.json. */
function projectRoot(from: string): string {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
  }
  return process.cwd();
}

/** Where `npm run build:web` puts the demo page (the same from src/ and from dist/src/). */
export const DEMO_ASSETS_DIR = join(projectRoot(__dirname), 'dist-web', 'demo');
