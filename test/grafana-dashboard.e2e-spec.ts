import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { startBackend, type BackendTestApp } from './support/backend-test-app';

interface Dashboard {
  panels: { title: string; targets: { expr: string }[] }[];
}

const dashboard = JSON.parse(
  readFileSync(join(__dirname, '..', 'docs', 'grafana-dashboard.json'), 'utf8'),
) as Dashboard;

describe('docs/grafana-dashboard.json', () => {
  let backend: BackendTestApp;

  beforeAll(async () => {
    backend = await startBackend();
  });

  afterAll(async () => {
    await backend.close();
  });

  it('queries only metrics the backend exposes at /metrics', async () => {
    const text = (await request(backend.http).get('/metrics').expect(200)).text;
    const exposed = new Set([...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((match) => match[1]));
    const queried = new Set(
      dashboard.panels
        .flatMap((panel) => panel.targets.map((target) => target.expr))
        .flatMap((expr) => [...expr.matchAll(/\b(?:nest_realtime|process)_[a-z_]+/g)])
        // A histogram is exposed under its name and queried by its parts.
        .map((match) => match[0].replace(/_(bucket|sum|count)$/, '')),
    );
    expect(queried.size).toBeGreaterThan(15);
    expect([...queried].filter((name) => !exposed.has(name))).toEqual([]);
    // Every library metric the backend exposes has a panel.
    const unshown = [...exposed].filter(
      (name) => name.startsWith('nest_realtime_') && !queried.has(name),
    );
    expect(unshown).toEqual([]);
  });
});
