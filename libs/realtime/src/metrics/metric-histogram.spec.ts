import { MetricHistogram } from './metric-histogram';

describe('MetricHistogram', () => {
  it('counts each observation in the first bucket whose bound holds it, read cumulatively', () => {
    const histogram = new MetricHistogram([1, 5, 10]);
    for (const value of [0.5, 1, 3, 10, 11, 200]) histogram.observe(value);
    expect(histogram.snapshot()).toEqual({
      bounds: [1, 5, 10],
      // ≤1: 0.5 and 1; ≤5: and 3; ≤10: and 10; 11 and 200 only in +Inf (the count).
      cumulative: [2, 3, 4],
      sum: 225.5,
      count: 6,
    });
  });
});
