import { fullJitterDelay } from './backoff';

describe('fullJitterDelay', () => {
  const options = { baseMs: 500, capMs: 20_000 };

  it('stays in [0, min(cap, base · 2^attempt)) for any draw', () => {
    for (let attempt = 0; attempt < 80; attempt++) {
      const window = Math.min(20_000, 500 * 2 ** attempt);
      expect(fullJitterDelay(attempt, options, () => 0)).toBe(0);
      const highest = fullJitterDelay(attempt, options, () => 0.999_999);
      expect(highest).toBeLessThan(window);
      expect(highest).toBeGreaterThanOrEqual(window - 1);
    }
  });

  it('spreads draws over the whole window', () => {
    const delays = Array.from({ length: 2_000 }, () => fullJitterDelay(3, options));
    expect(Math.min(...delays)).toBeLessThan(400);
    expect(Math.max(...delays)).toBeGreaterThan(3_600);
    expect(delays.every((delay) => delay >= 0 && delay < 4_000)).toBe(true);
  });
});
