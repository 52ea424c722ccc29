import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const section = readme.slice(
  readme.indexOf('## Use it in your Nest app'),
  readme.indexOf('## Module options'),
);
const install = JSON.parse(readFileSync(join(root, 'examples/consumer/install.json'), 'utf8')) as {
  runtime: string[];
  durable: string[];
  cluster: string[];
  dev: string[];
};

/** `<!-- file: path -->` followed by a fenced block: the block must be that file, verbatim. */
const shownFiles = [...section.matchAll(/<!-- file: (\S+) -->\n```\w*\n([\s\S]*?)\n```/g)].map(
  ([, path, body]) => ({ path, body }),
);

// The README's "Use it in your Nest app" is what the consumer test (scripts/consumer-test.mjs)
// builds and runs: these checks keep the two from drifting apart.
describe('README: "Use it in your Nest app" is the consumer test', () => {
  it('shows each example file verbatim', () => {
    expect(shownFiles.length).toBeGreaterThan(0);
    for (const { path, body } of shownFiles) {
      expect({ path, body }).toEqual({
        path,
        body: readFileSync(join(root, path), 'utf8').replace(/\n$/, ''),
      });
    }
  });

  it('shows every source file the consumer app is built from', () => {
    const shown = new Set(shownFiles.map(({ path }) => path));
    const sources = readdirSync(join(root, 'examples/consumer/src')).map(
      (file) => `examples/consumer/src/${file}`,
    );
    expect(sources.filter((file) => !shown.has(file))).toEqual([]);
  });

  it('gives the install commands the consumer test runs', () => {
    const commands = [...section.matchAll(/^npm install (.+)$/gm)].map(([, args]) => args);
    expect(commands).toEqual([
      install.runtime.join(' '),
      `--save-dev ${install.dev.join(' ')}`,
      install.durable.join(' '),
      install.cluster.join(' '),
    ]);
  });

  it('names no import alias of this repository', () => {
    expect(readme.match(/.*@app\/realtime.*/g)).toBeNull();
  });
});
