import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { freePort } from './support/free-port';
import { spawnBackend, type BackendProcess } from './support/backend-process';
import { describeWithChromium, launchChromium } from './support/chromium';
import { ScopedEnvironment } from './support/scoped-environment';

const ARTIFACTS = join(__dirname, '..', 'test-artifacts');

/**
 * The demo page in a real headless Chromium against the real backend (a child process, so it
 * can be stopped and started again on the same port and database).
 */
describeWithChromium('Demo page in Chromium', () => {
  let environment: ScopedEnvironment;
  let backend: BackendProcess | undefined;
  let port: number;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;

  const env = () => ({
    PORT: String(port),
    DATA_DIR: environment.dir,
    JWT_SECRET: 'demo-page-test-secret-0123456789abcdef',
  });

  async function api<T>(method: string, path: string, token?: string, body?: object): Promise<T> {
    const response = await fetch(`${backend!.httpUrl}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status}`);
    return (await response.json()) as T;
  }

  async function signUp(username: string): Promise<string> {
    await page.goto(backend!.httpUrl);
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByRole('button', { name: 'Register' }).click();
    await page.locator('#status[data-state="open"]').waitFor();
    const { accessToken } = await api<{ accessToken: string }>('POST', '/auth/login', undefined, {
      username,
      password: 'correct horse battery',
    });
    return accessToken;
  }

  beforeAll(async () => {
    environment = new ScopedEnvironment('demo-page');
    port = await freePort();
    backend = await spawnBackend(env());
    browser = await launchChromium();
  });

  beforeEach(async () => {
    page = await browser.context.newPage();
  });

  afterEach(async () => {
    await page.close();
  });

  afterAll(async () => {
    await browser?.close();
    backend?.child.kill('SIGKILL');
    await backend?.exited;
    environment.restore();
  });

  it('signs up, creates a reminder due in 2 s and shows its toast when it fires', async () => {
    await signUp('ada');
    await page.getByLabel('Title').fill('Stretch your legs');
    await page.getByLabel('In seconds').fill('2');
    const created = Date.now();
    await page.getByRole('button', { name: 'Create' }).click();
    await page.locator('#reminders li', { hasText: 'Stretch your legs' }).waitFor();
    const toast = page.locator('.toast', { hasText: 'Stretch your legs' });
    await toast.waitFor({ timeout: 15_000 });
    expect(Date.now() - created).toBeGreaterThanOrEqual(1_900);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'demo-page.png'), fullPage: true });
  });

  it('shows pushed notifications in the inbox and drops the badge when one is read', async () => {
    await signUp('grace');
    const badge = page.locator('#unread');
    await page.getByRole('button', { name: 'Send me a notification' }).click();
    await page.getByRole('button', { name: 'Send me a notification' }).click();
    await expectText(badge, '2');
    await page.locator('#inbox li button').first().click();
    await expectText(badge, '1');
    await page.getByRole('button', { name: 'Mark all read' }).click();
    await expectText(badge, '0');
  });

  it('reconnects after the server restarts and shows what fired while it was away', async () => {
    const token = await signUp('linus');
    await api('POST', '/reminders', token, {
      title: 'Fired while down',
      dueAt: new Date(Date.now() + 1_500).toISOString(),
    });
    backend!.child.kill('SIGTERM');
    await backend!.exited;
    await page.locator('#status[data-state="reconnecting"]').waitFor();
    // The reminder comes due while no server runs; the restart's catch-up fires it.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    backend = await spawnBackend(env());
    const toast = page.locator('.toast', { hasText: 'Fired while down' });
    await toast.waitFor({ timeout: 30_000 });
    await page.locator('#status[data-state="open"]').waitFor();
    expect(await toast.count()).toBe(1);
  });
});

async function expectText(locator: ReturnType<Page['locator']>, text: string): Promise<void> {
  await locator.filter({ hasText: new RegExp(`^${text}$`) }).waitFor({ timeout: 10_000 });
}
