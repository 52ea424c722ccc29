// Empties a build output folder (portable `rm -rf`, for package build scripts).
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';

for (const dir of process.argv.slice(2)) rmSync(resolve(dir), { recursive: true, force: true });
