// A full-size checkpoint whose bytes are computed, not stored: the real config of a preset, BF16 weights in
// safetensors shards (with model.safetensors.index.json when there is more than one), and the tokenizer files of
// a generated model. Each weight's values repeat a seeded random block of PERIOD values (one block per value
// distribution), started at an offset of the tensor's own, so any byte range is a few copies: the local hub
// serves an 8B checkpoint at memory speed and no 17 GB file is ever written. Rows (2048 or more values) never
// line up with the period, so no two rows of a matrix are equal.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseConfig } from '../../src/model/config';
import { encodeSafetensorsHeader, toBfloat16Bits } from '../../src/model/safetensors';
import { expectedWeights } from '../../src/model/weight-names';
import { folderFiles, type CheckpointFiles } from './checkpoint-reader';
import { PRESETS, type PresetName } from './presets';
import { configJson, distribution, random } from './random-checkpoint';
import { sourceHash } from './test-models';
import { writeTokenizerFiles } from './tokenizer-files';

/** Values in each random block: a prime, so the block's start drifts against every row length. */
const PERIOD = 1_048_573;
const ROOT = resolve(import.meta.dirname, '../..');

export interface VirtualCheckpoint extends CheckpointFiles {
  /** SHA-256 of each file, computed once and kept beside the skeleton (hashing 17 GB takes a while). */
  sha256(path: string): string;
  /** Bytes of every weight, as a download would count them. */
  readonly weightBytes: number;
  /** The largest weight's element count (the conversion's memory bound is this many float32 values). */
  readonly largestTensorElements: number;
}

interface PlacedTensor {
  name: string;
  /** Byte range inside its shard's data section. */
  begin: number;
  end: number;
  block: Uint8Array;
  /** Byte offset into the block of the tensor's first value. */
  start: number;
}

interface Shard {
  path: string;
  header: Uint8Array;
  size: number;
  tensors: PlacedTensor[];
}

/**
 * `preset` as a checkpoint of `shards` files (a single `model.safetensors` when 1), seeded by `seed`. The small
 * files live in a skeleton folder under .cache/virtual-checkpoints, made once per generator version.
 */
export function virtualCheckpoint(preset: PresetName, seed: number, shards = 1): VirtualCheckpoint {
  const raw: Record<string, unknown> = { ...PRESETS[preset], torch_dtype: 'bfloat16' };
  const config = parseConfig(raw);
  const specs = expectedWeights(config);
  const skeleton = skeletonFolder(preset, raw, seed, shards);
  const small = folderFiles(skeleton);

  const blocks = new Map<string, Uint8Array>();
  const blockFor = (center: number, scale: number): Uint8Array => {
    const key = `${center}:${scale}`;
    let block = blocks.get(key);
    if (!block) {
      const next = random(seed + blocks.size * 7919);
      const values = new Uint16Array(PERIOD);
      const f32 = new Float32Array(1);
      const u32 = new Uint32Array(f32.buffer);
      for (let i = 0; i < PERIOD; i++) {
        f32[0] = center + (next() * 2 - 1) * scale;
        values[i] = toBfloat16Bits(u32[0]!);
      }
      block = new Uint8Array(values.buffer);
      blocks.set(key, block);
    }
    return block;
  };

  const sizes = specs.map((s) => s.shape.reduce((a, b) => a * b, 1) * 2);
  const weightBytes = sizes.reduce((a, b) => a + b, 0);
  const names = shards === 1 ? ['model.safetensors'] : Array.from({ length: shards }, (_, i) => `model-${String(i + 1).padStart(5, '0')}-of-${String(shards).padStart(5, '0')}.safetensors`);
  const groups: number[][] = names.map(() => []);
  let done = 0;
  specs.forEach((_, i) => {
    groups[Math.min(shards - 1, Math.floor((done / weightBytes) * shards))]!.push(i);
    done += sizes[i]!;
  });
  const files = new Map<string, Shard>();
  groups.forEach((group, s) => {
    const { header, offsets } = encodeSafetensorsHeader(group.map((i) => specs[i]!), 'BF16');
    const tensors = group.map((i, k): PlacedTensor => {
      const { center, scale } = trainedLike(specs[i]!.name, specs[i]!.shape, config.numLayers);
      return { name: specs[i]!.name, begin: offsets[k]!, end: offsets[k]! + sizes[i]!, block: blockFor(center, scale), start: ((i * 104_729) % PERIOD) * 2 };
    });
    files.set(names[s]!, { path: names[s]!, header, size: header.length + (tensors.at(-1)?.end ?? 0), tensors });
  });

  // transformers' index for a sharded checkpoint: which shard holds each weight.
  const memory = new Map<string, Uint8Array>();
  if (shards > 1) {
    const weightMap = Object.fromEntries([...files.values()].flatMap((shard) => shard.tensors.map((t) => [t.name, shard.path])));
    memory.set('model.safetensors.index.json', new TextEncoder().encode(JSON.stringify({ metadata: { total_size: weightBytes }, weight_map: weightMap }, null, 2)));
  }

  const readShard = (shard: Shard, begin: number, end: number): Uint8Array => {
    const out = new Uint8Array(end - begin);
    const headerEnd = shard.header.length;
    if (begin < headerEnd) out.set(shard.header.subarray(begin, Math.min(end, headerEnd)));
    const from = Math.max(begin, headerEnd) - headerEnd;
    const to = end - headerEnd;
    for (const t of shard.tensors) {
      if (t.end <= from || t.begin >= to) continue;
      let at = Math.max(from, t.begin);
      const stop = Math.min(to, t.end);
      let inBlock = (t.start + (at - t.begin)) % t.block.length;
      while (at < stop) {
        const run = Math.min(stop - at, t.block.length - inBlock);
        out.set(t.block.subarray(inBlock, inBlock + run), at + headerEnd - begin);
        at += run;
        inBlock = 0;
      }
    }
    return out;
  };

  const digestsFile = join(skeleton, '.sha256.json');
  const digests = existsSync(digestsFile) ? (JSON.parse(readFileSync(digestsFile, 'utf8')) as Record<string, string>) : {};
  const checkpoint: VirtualCheckpoint = {
    name: `virtual ${preset} (seed ${seed})`,
    weightBytes,
    largestTensorElements: Math.max(...sizes) / 2,
    paths: () => [...small.paths().filter((p) => !p.startsWith('.')), ...memory.keys(), ...files.keys()].sort(),
    has: (path) => files.has(path) || memory.has(path) || (!path.startsWith('.') && small.has(path)),
    size: (path) => files.get(path)?.size ?? memory.get(path)?.length ?? small.size(path),
    read: (path, begin, end) => {
      const shard = files.get(path);
      const inMemory = memory.get(path);
      if (inMemory) return inMemory.slice(begin, end);
      if (!shard) return small.read(path, begin, end);
      if (begin < 0 || end > shard.size || begin > end) throw new RangeError(`${path}: bytes ${begin}-${end} are outside its ${shard.size}`);
      return readShard(shard, begin, end);
    },
    sha256: (path) => {
      let hex = digests[path];
      if (!hex) {
        const hash = createHash('sha256');
        const size = checkpoint.size(path);
        for (let at = 0; at < size; at += 64 * 1024 * 1024) hash.update(checkpoint.read(path, at, Math.min(size, at + 64 * 1024 * 1024)));
        hex = hash.digest('hex');
        digests[path] = hex;
        writeFileSync(digestsFile, JSON.stringify(digests, null, 2));
      }
      return hex;
    },
  };
  return checkpoint;
}

/**
 * random-checkpoint's value ranges, made as well-conditioned as a trained model's: each block's output projection
 * (into the residual stream) scaled down by the square root of twice the depth, as GPT-2's initialisation does, and
 * the (tied) embedding small enough for logits of a trained model's size. With the plain ranges the 1.2B's random
 * network is chaotic: last-bit differences between two float kernels grow through its 16 layers to 3e-2 of the
 * largest logit (onnxruntime-web's WASM and onnxruntime-node on the same int8 graph; a float64 forward pass of that
 * graph differs from each by 2-3e-2), which would measure the weights' amplification, not the runtimes.
 */
function trainedLike(name: string, shape: number[], layers: number): { center: number; scale: number } {
  const plain = distribution(name, shape);
  if (/(out_proj|w2)\.weight$/.test(name)) return { center: 0, scale: plain.scale / Math.sqrt(2 * layers) };
  if (name.endsWith('embed_tokens.weight')) return { center: 0, scale: 0.05 };
  return plain;
}

/** config.json, the tokenizer files and (sharded) the index: the checkpoint's real files, made once. */
function skeletonFolder(preset: PresetName, raw: Record<string, unknown>, seed: number, shards: number): string {
  const dir = join(ROOT, '.cache/virtual-checkpoints', `${preset}-s${seed}-x${shards}-${sourceHash()}`);
  if (existsSync(join(dir, 'config.json'))) return dir;
  const staging = `${dir}.${process.pid}.tmp`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  writeFileSync(join(staging, 'config.json'), configJson(raw));
  writeTokenizerFiles(staging, raw.vocab_size as number);
  renameSync(staging, dir);
  return dir;
}
