import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { nginxSiteConfig } from './support/nginx-config';

const doc = readFileSync(join(__dirname, '..', 'docs', 'deployment.md'), 'utf8');

describe('docs/deployment.md', () => {
  it('shows the nginx configuration the cluster tests run behind', () => {
    const shown = /```nginx\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(shown).toBe(
      nginxSiteConfig({
        listen: '80',
        backends: ['10.0.0.11:3000', '10.0.0.12:3000', '10.0.0.13:3000'],
      }),
    );
  });

  it('runs the script the Node cluster test starts', () => {
    expect(doc).toContain('node deploy/cluster.cjs');
    expect(readFileSync(join(__dirname, '..', 'deploy', 'cluster.cjs'), 'utf8')).toContain(
      'WEB_CONCURRENCY',
    );
  });
});
