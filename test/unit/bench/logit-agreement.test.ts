import { describe, expect, test } from 'vitest';
import { compareSteps } from '../../../bench/lib/logit-agreement';

const step = (...pairs: Array<[number, number]>) => pairs;

describe('compareSteps', () => {
  test('equal steps agree; a small difference is measured relative to the step\'s largest logit', () => {
    const ref = [step([5, 20], [9, 10], [1, 4]), step([7, 30], [5, 12])];
    const got = [step([5, 20.1], [9, 10], [1, 4]), step([7, 30], [5, 12.2])];
    const result = compareSteps(got, ref, 1e-2);
    expect(result).toMatchObject({ ok: true, compared: 2 });
    expect(result.maxRelative).toBeCloseTo(0.2 / 30, 6);
  });

  test('a logit off by more than the tolerance fails, naming the step', () => {
    const result = compareSteps([step([5, 20], [9, 11])], [step([5, 20], [9, 10])], 1e-2);
    expect(result.ok).toBe(false);
    expect(result.overTolerance).toEqual([0]);
  });

  test('a different token is tolerated only at a near tie, and comparing stops there', () => {
    const tie = compareSteps([step([9, 10.0], [5, 9.99]), step([1, 1])], [step([5, 10.0], [9, 9.99]), step([2, 1])], 1e-2);
    expect(tie).toMatchObject({ ok: true, divergedAt: 0, compared: 1 });
    const clear = compareSteps([step([9, 10], [5, 5])], [step([5, 10], [9, 5])], 1e-2);
    expect(clear.ok).toBe(false);
  });

  test('missing or extra steps fail', () => {
    expect(compareSteps([], [step([1, 2], [3, 1])], 1e-2).ok).toBe(false);
    expect(compareSteps([step([1, 2], [3, 1]), step([1, 2], [3, 1])], [step([1, 2], [3, 1])], 1e-2).ok).toBe(false);
    expect(compareSteps([step([1, 2], [3, 1])], [], 1e-2).ok).toBe(false);
  });
});
