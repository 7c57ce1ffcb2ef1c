// How a checkpoint's stored tensors feed the export's jobs. Checkpoints store MoE experts two ways: one tensor
// per expert and projection (`experts.{e}.w1.weight`, as LiquidAI publishes them and as transformers writes
// them back), or fused 3-D tensors (`experts.gate_up_proj` [E, 2I, H], `experts.down_proj` [E, H, I]), which
// is how transformers 5 holds them in memory: its conversion_mapping.py stacks w1 and w3 of every expert and
// concatenates them along dim 1 (w1 first; Lfm2MoeExperts.forward splits them with chunk(2) as gate, up) and
// stacks w2. A fused tensor is cut back into the per-expert inputs the jobs read.
import type { Lfm2Config } from './config';
import { isMoeLayer } from './config';
import type { SafetensorsDtype } from './safetensors';
import type { TensorRequest } from './export/weight-jobs';
import { weightName } from './weight-names';

export interface StoredTensor {
  name: string;
  dtype: SafetensorsDtype;
  shape: readonly number[];
}

export class CheckpointError extends Error {
  override name = 'CheckpointError';
}

export interface CheckpointFeeds {
  /** The stream index (order of `stored`) of the stored tensor that holds a job input. */
  position(input: string): number;
  /** Stored tensors any job reads, by stream index; the others are never needed. */
  readonly used: ReadonlySet<number>;
  /** The job inputs stored tensor `index` holds, cut from its values (a view each, no copy). */
  inputs(index: number, values: Float32Array): Array<{ name: string; values: Float32Array }>;
}

const fusedGateUp = (l: number) => `model.layers.${l}.feed_forward.experts.gate_up_proj`;
const fusedDown = (l: number) => `model.layers.${l}.feed_forward.experts.down_proj`;

/**
 * Maps `requests` (every input the export's jobs read) onto `stored` (the checkpoint's tensors in the order its
 * files hold them), checking names and shapes. Throws a CheckpointError naming the first tensor that is missing
 * or misshapen, before anything is read.
 */
export function checkpointFeeds(config: Lfm2Config, stored: readonly StoredTensor[], requests: readonly TensorRequest[]): CheckpointFeeds {
  const byName = new Map(stored.map((tensor, index) => [tensor.name, index]));
  const where = new Map<string, { index: number; cut?: (values: Float32Array) => Float32Array }>();
  const fused = fusedExpertSlices(config, stored, byName);
  for (const request of requests) {
    const index = byName.get(request.name);
    if (index !== undefined) {
      const shape = stored[index]!.shape;
      if (!sameShape(shape, request.shape)) throw new CheckpointError(`The checkpoint's tensor ${request.name} has shape [${shape.join(', ')}], but the config implies [${request.shape.join(', ')}].`);
      where.set(request.name, { index });
      continue;
    }
    const slice = fused.get(request.name);
    if (!slice) throw new CheckpointError(`The checkpoint has no tensor ${request.name}, which a ${config.modelType} model with this config needs.`);
    where.set(request.name, slice);
  }
  const byIndex = new Map<number, Array<{ name: string; cut?: (values: Float32Array) => Float32Array }>>();
  for (const [name, { index, cut }] of where) byIndex.set(index, [...(byIndex.get(index) ?? []), { name, ...(cut ? { cut } : {}) }]);
  return {
    position: (input) => {
      const found = where.get(input);
      if (!found) throw new CheckpointError(`No stored tensor holds ${input}.`);
      return found.index;
    },
    used: new Set(byIndex.keys()),
    inputs: (index, values) => (byIndex.get(index) ?? []).map(({ name, cut }) => ({ name, values: cut ? cut(values) : values })),
  };
}

/** Per-expert inputs cut from fused expert tensors, for the layers whose checkpoint fuses them. */
function fusedExpertSlices(config: Lfm2Config, stored: readonly StoredTensor[], byName: Map<string, number>) {
  const slices = new Map<string, { index: number; cut: (values: Float32Array) => Float32Array }>();
  if (!config.moe) return slices;
  const H = config.hiddenSize;
  const I = config.moe.moeIntermediateSize;
  const E = config.moe.numExperts;
  for (let l = 0; l < config.numLayers; l++) {
    if (!isMoeLayer(config, l)) continue;
    const gateUp = byName.get(fusedGateUp(l));
    const down = byName.get(fusedDown(l));
    if (gateUp === undefined && down === undefined) continue;
    if (gateUp === undefined || down === undefined) throw new CheckpointError(`The checkpoint fuses only part of layer ${l}'s experts: it needs both ${fusedGateUp(l)} and ${fusedDown(l)}.`);
    for (const [index, expected] of [[gateUp, [E, 2 * I, H]], [down, [E, H, I]]] as const) {
      const { name, shape } = stored[index]!;
      if (!sameShape(shape, expected)) throw new CheckpointError(`The checkpoint's tensor ${name} has shape [${shape.join(', ')}], but the config implies [${expected.join(', ')}].`);
    }
    for (let e = 0; e < E; e++) {
      const expert = e * 2 * I * H;
      slices.set(weightName.expertW1(l, e), { index: gateUp, cut: (v) => v.subarray(expert, expert + I * H) });
      slices.set(weightName.expertW3(l, e), { index: gateUp, cut: (v) => v.subarray(expert + I * H, expert + 2 * I * H) });
      slices.set(weightName.expertW2(l, e), { index: down, cut: (v) => v.subarray(e * H * I, (e + 1) * H * I) });
    }
  }
  return slices;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
