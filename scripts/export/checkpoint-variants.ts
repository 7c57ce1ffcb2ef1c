// The same checkpoint in the other shapes published checkpoints come in: experts fused into 3-D tensors (as
// transformers 5 holds them: gate_up_proj [E, 2I, H] with each expert's w1 then w3, down_proj [E, H, I]), and
// split over shards with model.safetensors.index.json. For tests of the exporter and the browser converter.
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfig } from '../../src/model/config';
import { encodeSafetensorsHeader, toBfloat16Bits } from '../../src/model/safetensors';
import { weightName } from '../../src/model/weight-names';
import { CheckpointReader } from './checkpoint-reader';

interface Tensor {
  name: string;
  shape: number[];
  values: Float32Array;
}

function copyTextFiles(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const file of readdirSync(from)) if (file.endsWith('.json') || file.endsWith('.jinja')) copyFileSync(join(from, file), join(to, file));
}

function tensorsOf(from: string): Tensor[] {
  const reader = new CheckpointReader(from);
  return reader.stored.map((t, i) => ({ name: t.name, shape: [...t.shape], values: reader.readStored(i) }));
}

function writeSafetensors(file: string, tensors: Tensor[], dtype: 'F32' | 'BF16' = 'F32'): void {
  const { header } = encodeSafetensorsHeader(tensors, dtype);
  const bytesPer = dtype === 'F32' ? 4 : 2;
  const body = new Uint8Array(header.length + tensors.reduce((sum, t) => sum + t.values.length * bytesPer, 0));
  body.set(header);
  let at = header.length;
  for (const t of tensors) {
    if (dtype === 'F32') body.set(new Uint8Array(t.values.buffer, t.values.byteOffset, t.values.byteLength), at);
    else {
      const bits = new Uint32Array(t.values.buffer, t.values.byteOffset, t.values.length);
      const view = new DataView(body.buffer, at, t.values.length * 2);
      for (let i = 0; i < bits.length; i++) view.setUint16(i * 2, toBfloat16Bits(bits[i]!), true);
    }
    at += t.values.length * bytesPer;
  }
  writeFileSync(file, body);
}

/**
 * `from` written to `to` the way Liquid AI's repositories publish a checkpoint: BF16 weights, the chat template
 * in chat_template.jinja rather than in tokenizer_config.json, and optionally an untied LM head (`lm_head.weight`,
 * tie_word_embeddings false) and a tensor no graph reads (`unusedBytes` of it, as buffers some exports keep).
 */
export function writePublishedCheckpoint(from: string, to: string, options: { untiedHead?: boolean; unusedBytes?: number } = {}): void {
  copyTextFiles(from, to);
  const tensors = tensorsOf(from);
  const config = JSON.parse(readFileSync(join(from, 'config.json'), 'utf8')) as Record<string, unknown>;
  if (options.untiedHead) {
    const embed = tensors.find((t) => t.name === weightName.embed)!;
    // A head of its own: the embedding's values scaled, so that tying it by mistake changes every logit.
    tensors.push({ name: weightName.lmHead, shape: [...embed.shape], values: Float32Array.from(embed.values, (v, i) => v * (0.5 + (i % 7) / 7)) });
    config.tie_word_embeddings = false;
    writeFileSync(join(to, 'config.json'), JSON.stringify(config, null, 2));
  }
  if (options.unusedBytes) tensors.push({ name: 'model.rotary_emb.inv_freq_buffer', shape: [options.unusedBytes / 2], values: Float32Array.from({ length: options.unusedBytes / 2 }, (_, i) => Math.sin(i)) });
  const tokenizerConfig = JSON.parse(readFileSync(join(from, 'tokenizer_config.json'), 'utf8')) as Record<string, unknown>;
  if (typeof tokenizerConfig.chat_template !== 'string') throw new Error(`${from}'s tokenizer_config.json has no chat template to move`);
  writeFileSync(join(to, 'chat_template.jinja'), tokenizerConfig.chat_template);
  delete tokenizerConfig.chat_template;
  writeFileSync(join(to, 'tokenizer_config.json'), JSON.stringify(tokenizerConfig, null, 2));
  writeSafetensors(join(to, 'model.safetensors'), tensors, 'BF16');
}

/** `from` written to `to` without the tensors named: a checkpoint the converter must refuse, naming what is missing. */
export function writeCheckpointWithout(from: string, to: string, names: readonly string[]): void {
  copyTextFiles(from, to);
  writeSafetensors(join(to, 'model.safetensors'), tensorsOf(from).filter((t) => !names.includes(t.name)));
}

/** `from` (per-expert tensors) written to `to` with each MoE layer's experts fused. */
export function writeFusedCheckpoint(from: string, to: string): void {
  const config = parseConfig(JSON.parse(readFileSync(join(from, 'config.json'), 'utf8')));
  const moe = config.moe;
  if (!moe) throw new Error('only an lfm2_moe checkpoint has experts to fuse');
  const byName = new Map(tensorsOf(from).map((t) => [t.name, t]));
  const H = config.hiddenSize;
  const I = moe.moeIntermediateSize;
  const E = moe.numExperts;
  const out: Tensor[] = [];
  for (const t of byName.values()) {
    const expert = /^model\.layers\.(\d+)\.feed_forward\.experts\.(\d+)\.w[123]\.weight$/.exec(t.name);
    if (!expert) {
      out.push(t);
      continue;
    }
    const l = Number(expert[1]);
    if (Number(expert[2]) !== 0 || !t.name.endsWith('w1.weight')) continue;
    const gateUp = new Float32Array(E * 2 * I * H);
    const down = new Float32Array(E * H * I);
    for (let e = 0; e < E; e++) {
      gateUp.set(byName.get(weightName.expertW1(l, e))!.values, e * 2 * I * H);
      gateUp.set(byName.get(weightName.expertW3(l, e))!.values, e * 2 * I * H + I * H);
      down.set(byName.get(weightName.expertW2(l, e))!.values, e * H * I);
    }
    out.push({ name: `model.layers.${l}.feed_forward.experts.gate_up_proj`, shape: [E, 2 * I, H], values: gateUp });
    out.push({ name: `model.layers.${l}.feed_forward.experts.down_proj`, shape: [E, H, I], values: down });
  }
  copyTextFiles(from, to);
  writeSafetensors(join(to, 'model.safetensors'), out);
}

/** `from` written to `to` as `shards` files of about equal size, with the index transformers writes. */
export function writeShardedCheckpoint(from: string, to: string, shards: number): void {
  const tensors = tensorsOf(from);
  const total = tensors.reduce((sum, t) => sum + t.values.byteLength, 0);
  const names = Array.from({ length: shards }, (_, i) => `model-${String(i + 1).padStart(5, '0')}-of-${String(shards).padStart(5, '0')}.safetensors`);
  const groups: Tensor[][] = names.map(() => []);
  let done = 0;
  for (const t of tensors) {
    groups[Math.min(shards - 1, Math.floor((done / total) * shards))]!.push(t);
    done += t.values.byteLength;
  }
  copyTextFiles(from, to);
  const weightMap: Record<string, string> = {};
  groups.forEach((group, i) => {
    writeSafetensors(join(to, names[i]!), group);
    for (const t of group) weightMap[t.name] = names[i]!;
  });
  writeFileSync(join(to, 'model.safetensors.index.json'), JSON.stringify({ metadata: { total_size: total }, weight_map: weightMap }, null, 2));
  if (existsSync(join(to, 'model.safetensors'))) throw new Error('a sharded checkpoint has no model.safetensors');
}
