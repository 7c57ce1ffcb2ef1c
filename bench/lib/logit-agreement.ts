// Whether two runtimes generated the same thing: step by step, each step's largest logits (token id, logit) from
// greedy decoding. Logits agree when every id both lists hold differs by at most `tolerance` times the largest
// logit magnitude of the reference step; the tokens agree when both picked the same id, or, at a step whose top two
// reference logits lie within that tolerance, a different one (then the contexts part and comparing stops there).

export interface StepComparison {
  ok: boolean;
  /** Steps compared (up to and including a tolerated divergence). */
  compared: number;
  /** Largest relative difference over the compared steps, and the steps over the tolerance. */
  maxRelative: number;
  overTolerance: number[];
  /** Step at which the picked tokens differ, if they do. */
  divergedAt?: number;
  summary: string;
}

type Step = ReadonlyArray<readonly [number, number]>;

/** Every step is compared (a report shows how far apart the runtimes are, not only that they are). */
export function compareSteps(candidate: readonly Step[], reference: readonly Step[], tolerance: number): StepComparison {
  let maxRelative = 0;
  let compared = 0;
  const overTolerance: number[] = [];
  const result = (ok: boolean, summary: string, divergedAt?: number): StepComparison => ({
    ok: ok && overTolerance.length === 0,
    compared,
    maxRelative,
    overTolerance,
    ...(divergedAt !== undefined ? { divergedAt } : {}),
    summary: `${summary}; logits within ${maxRelative.toExponential(2)} of each step's largest${overTolerance.length ? `, over the tolerance ${tolerance} at step(s) ${overTolerance.join(', ')}` : ''}`,
  });
  if (reference.length === 0) return result(false, 'the reference produced no steps');
  for (let i = 0; i < reference.length; i++) {
    const ref = reference[i]!;
    const got = candidate[i];
    if (!got || got.length === 0) return result(false, `step ${i} is missing (${candidate.length} steps against ${reference.length})`);
    compared++;
    const scale = Math.max(...ref.map(([, logit]) => Math.abs(logit)), 1e-6);
    const byId = new Map(got.map(([id, logit]) => [id, logit]));
    let shared = 0;
    let stepRelative = 0;
    for (const [id, logit] of ref) {
      const other = byId.get(id);
      if (other === undefined) continue;
      shared++;
      stepRelative = Math.max(stepRelative, Math.abs(other - logit) / scale);
    }
    if (shared < 2) return result(false, `step ${i} shares ${shared} of its top ${ref.length} ids`);
    maxRelative = Math.max(maxRelative, stepRelative);
    if (stepRelative > tolerance) overTolerance.push(i);
    if (got[0]![0] !== ref[0]![0]) {
      const gap = ref.length > 1 ? (ref[0]![1] - ref[1]![1]) / scale : Infinity;
      const where = `tokens part at step ${i} (${got[0]![0]} against ${ref[0]![0]}), where the reference's top two logits are ${gap.toExponential(2)} of its largest apart`;
      return result(gap <= tolerance, gap <= tolerance ? `${where}, within the tolerance: ${compared} steps compared` : `${where}: more than the tolerance`, i);
    }
  }
  if (candidate.length !== reference.length) return result(false, `${candidate.length} steps against ${reference.length}`);
  return result(true, `${compared} greedy steps, the same token at each`);
}
