// Whether two runtimes generated the same thing: step by step, each step's largest logits (token id, logit) from
// greedy decoding. Logits agree when every id both lists hold differs by at most `tolerance` times the largest
// logit magnitude of the reference step; the tokens agree when both picked the same id, or, at a step whose top two
// reference logits lie within that tolerance, a different one (then the contexts part and comparing stops there).

export interface StepComparison {
  ok: boolean;
  /** Steps compared (up to and including a tolerated divergence). */
  compared: number;
  /** Largest relative difference over the compared steps. */
  maxRelative: number;
  /** Step at which the picked tokens differ, if they do. */
  divergedAt?: number;
  summary: string;
}

type Step = ReadonlyArray<readonly [number, number]>;

export function compareSteps(candidate: readonly Step[], reference: readonly Step[], tolerance: number): StepComparison {
  let maxRelative = 0;
  let compared = 0;
  const fail = (why: string): StepComparison => ({ ok: false, compared, maxRelative, summary: `logits disagree: ${why}` });
  if (reference.length === 0) return fail('the reference produced no steps');
  for (let i = 0; i < reference.length; i++) {
    const ref = reference[i]!;
    const got = candidate[i];
    if (!got || got.length === 0) return fail(`step ${i} is missing (${candidate.length} steps against ${reference.length})`);
    compared++;
    const scale = Math.max(...ref.map(([, logit]) => Math.abs(logit)), 1e-6);
    const byId = new Map(got.map(([id, logit]) => [id, logit]));
    let shared = 0;
    for (const [id, logit] of ref) {
      const other = byId.get(id);
      if (other === undefined) continue;
      shared++;
      maxRelative = Math.max(maxRelative, Math.abs(other - logit) / scale);
    }
    if (shared < 2) return fail(`step ${i} shares ${shared} of its top ${ref.length} ids`);
    if (maxRelative > tolerance) return fail(`step ${i} differs by ${maxRelative.toExponential(2)} of its largest logit (tolerance ${tolerance})`);
    if (got[0]![0] !== ref[0]![0]) {
      const gap = ref.length > 1 ? (ref[0]![1] - ref[1]![1]) / scale : Infinity;
      const summary = `tokens part at step ${i} (${got[0]![0]} against ${ref[0]![0]}), where the reference's top two logits are ${gap.toExponential(2)} apart relative`;
      if (gap > tolerance) return { ok: false, compared, maxRelative, divergedAt: i, summary: `${summary}: more than the tolerance` };
      return { ok: true, compared, maxRelative, divergedAt: i, summary: `${summary}, within the tolerance; ${compared} steps, logits within ${maxRelative.toExponential(2)} relative` };
    }
  }
  if (candidate.length !== reference.length) return fail(`${candidate.length} steps against ${reference.length}`);
  return { ok: true, compared, maxRelative, summary: `${compared} greedy steps, the same token at each, logits within ${maxRelative.toExponential(2)} relative` };
}
