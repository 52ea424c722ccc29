import request from 'supertest';
import { startBackend, type BackendTestApp } from './support/backend-test-app';

/** The demo page's files as the backend serves them (the page itself runs in the Chromium suite). */
describe('Demo page assets', () => {
  let backend: BackendTestApp;

  beforeAll(async () => {
    backend = await startBackend();
  });

  afterAll(() => backend.close());

  it('serves the page and its script and style with their content types', async () => {
    const page = await request(backend.http).get('/').expect(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.text).toContain('<script type="module" src="/demo/demo.js">');
    const script = await request(backend.http).get('/demo/demo.js').expect(200);
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    const style = await request(backend.http).get('/demo/demo.css').expect(200);
    expect(style.headers['content-type']).toBe('text/css; charset=utf-8');
  });

  it('serves nothing else from there: other names and paths are 404', async () => {
    await request(backend.http).get('/demo/secret.txt').expect(404);
    await request(backend.http).get('/demo/..%2Fpackage.json').expect(404);
    await request(backend.http).get('/demo/').expect(404);
  });
});
