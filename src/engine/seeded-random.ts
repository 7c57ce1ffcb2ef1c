// A small seeded generator (mulberry32): sampling with a seed must repeat exactly across runs and contexts,
// which Math.random cannot do. Quality is ample for picking among a few dozen candidates.
export type RandomSource = () => number;

/** Returns numbers in [0, 1), the same sequence for the same seed. */
export function seededRandom(seed: number): RandomSource {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
