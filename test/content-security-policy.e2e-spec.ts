import type { ConsoleMessage, Page } from 'playwright-core';
import { startBackend, type BackendTestApp } from './support/backend-test-app';
import { describeWithChromium, launchChromium } from './support/chromium';

/**
 * Runs in the page before its own scripts (a string: the tests compile without the DOM types) and
 * hands every `securitypolicyviolation` to the test through `reportCspViolation`.
 */
const REPORT_VIOLATIONS = `
  document.addEventListener('securitypolicyviolation', (event) => {
    window.reportCspViolation(
      event.effectiveDirective + ' blocked ' + event.blockedURI +
        ' (' + event.sourceFile + ':' + event.lineNumber + ')',
    );
  });
`;

/**
 * The demo page and Swagger UI in a real Chromium under the Content-Security-Policy that
 * `configureApp` ships: both must work with nothing blocked.
 */
describeWithChromium('Content-Security-Policy in Chromium', () => {
  let backend: BackendTestApp;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  let violations: string[];

  beforeAll(async () => {
    backend = await startBackend();
    browser = await launchChromium();
  });

  beforeEach(async () => {
    page = await browser.context.newPage();
    violations = [];
    // Chromium reports each violation twice: as the event and as a console error.
    page.on('console', (message: ConsoleMessage) => {
      if (message.text().includes('Content Security Policy')) violations.push(message.text());
    });
    await page.exposeFunction('reportCspViolation', (text: string) => violations.push(text));
    await page.addInitScript(REPORT_VIOLATIONS);
  });

  afterEach(async () => {
    await page.close();
  });

  afterAll(async () => {
    await browser?.close();
    await backend?.close();
  });

  it('runs the demo page and its WebSocket with no violation', async () => {
    const response = await page.goto(backend.httpUrl);
    expect(response?.headers()['content-security-policy']).toContain("connect-src 'self'");
    await page.getByLabel('Username').fill('csp-demo');
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByRole('button', { name: 'Register' }).click();
    // "open": the SDK's WebSocket to ws://<same host>/ws got through connect-src 'self'.
    await page.locator('#status[data-state="open"]').waitFor();
    await page.getByRole('button', { name: 'Send me a notification' }).click();
    await page.locator('#unread').filter({ hasText: /^1$/ }).waitFor();
    expect(await settled(page, violations)).toEqual([]);
  });

  it('renders Swagger UI at /docs with no violation', async () => {
    await page.goto(`${backend.httpUrl}/docs`);
    await page.locator('.opblock-summary').first().waitFor();
    expect(await page.locator('.opblock-summary').count()).toBeGreaterThan(5);
    // Expanding an operation renders its schemas (more inline styles and data: icons).
    await page.locator('.opblock-summary').first().click();
    await page.locator('.opblock-body').first().waitFor();
    expect(await settled(page, violations)).toEqual([]);
  });
});

/** `violations` once the page's pending reports have reached the test (a round trip later). */
async function settled(page: Page, violations: string[]): Promise<string[]> {
  await page.evaluate('0');
  return violations;
}
