import { describe, expect, it } from 'vitest';

import { median, pairedRatios, roundsNote } from '../../../scripts/bench/stats.ts';

describe('bench statistics', () => {
  it('median: the middle value, the mean of the two middle ones of an even count', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([2, 1])).toBe(1.5);
    expect(() => median([])).toThrow('median of no values');
  });

  it('pairedRatios: each pair\'s theirs / ours time, so a slow round slows both sides of its ratio', () => {
    // Round 2 ran on a machine twice as slow: unpaired medians would read 150 / 150 = 1x.
    expect(pairedRatios([100, 200, 100], [120, 240, 90])).toEqual({ median: 1.2, min: 0.9, max: 1.2 });
    expect(pairedRatios([50], [100])).toEqual({ median: 2, min: 2, max: 2 });
  });

  it('pairedRatios refuses runs that are not in pairs', () => {
    expect(() => pairedRatios([1, 2], [1])).toThrow('paired ratios need runs in pairs');
    expect(() => pairedRatios([], [])).toThrow('paired ratios need runs in pairs');
  });

  it('roundsNote: the range of the rounds, flagged when it straddles the goal', () => {
    expect(roundsNote('5 rounds', { min: 0.91, max: 1.13 }, 1)).toBe('5 rounds: 0.91x–1.13x (the rounds disagree)');
    expect(roundsNote('7 paired rounds', { min: 0.77, max: 0.95 }, 0.9)).toBe('7 paired rounds: 0.77x–0.95x (the rounds disagree)');
    expect(roundsNote('7 paired rounds', { min: 0.77, max: 0.95 }, 1)).toBe('7 paired rounds: 0.77x–0.95x');
    expect(roundsNote('3 rounds', { min: 1, max: 1.2 }, 1)).toBe('3 rounds: 1.00x–1.20x');
  });
});
