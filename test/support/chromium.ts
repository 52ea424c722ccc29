import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** The flags this machine needs (chromium-flags.json, shared with the consumer test). */
const CHROMIUM_FLAGS = (
  JSON.parse(readFileSync(join(__dirname, 'chromium-flags.json'), 'utf8')) as { args: string[] }
).args;

/** Debian's Chromium (package `chromium`), or `CHROMIUM_PATH`. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * `describe` for suites that drive a real browser. Without Chromium they are skipped with a
 * visible message — except under `CI=true`, where they run and fail: CI must test the page.
 */
export const describeWithChromium: jest.Describe = (() => {
  if (existsSync(CHROMIUM_PATH) || process.env.CI === 'true') return describe;
  console.warn(
    `Chromium is not installed at ${CHROMIUM_PATH}: skipping the browser suites ` +
      '(apt-get install chromium, or set CHROMIUM_PATH).',
  );
  return describe.skip;
})();

/**
 * Headless Chromium with the flags this machine needs (no background networking: its closed
 * network refuses those connections) and a fresh profile, removed again by `close`.
 */
export async function launchChromium(): Promise<{
  context: BrowserContext;
  close(): Promise<void>;
}> {
  const profile = mkdtempSync(join(tmpdir(), 'rt-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: CHROMIUM_FLAGS,
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
