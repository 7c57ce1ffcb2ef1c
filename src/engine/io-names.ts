// Reads a decoder graph's interface from the session's metadata instead of assuming names or a layer count.
// Canonical names are those in src/model/cache-names.ts (transformers.js's lfm2 names); an export that
// spells them differently (`past_key_values_0_key`, `present.3.conv`, `past.3.conv_state`, `input_ids:0`)
// is understood as long as it differs only in naming: the role, the layer and the part are recognised.
import type { OrtValueMetadata } from './ort-types';

export type CachePart = 'key' | 'value' | 'conv';

export interface CacheSlot {
  layer: number;
  part: CachePart;
  input: string;
  output: string;
  /** Element type of the state, from the graph ('float32' or 'float16'). */
  type: string;
  /** Declared input shape; symbolic dims are strings. */
  shape: readonly (number | string)[];
}

export interface DecoderInterface {
  inputIds: string;
  attentionMask?: string;
  positionIds?: string;
  logits: string;
  logitsType: string;
  /** 1 where the graph declares logits for the last position only; absent where a run returns every position's. */
  logitsRows?: number;
  slots: CacheSlot[];
}

export class GraphInterfaceError extends Error {
  override name = 'GraphInterfaceError';
}

const squash = (name: string) => name.toLowerCase().replace(/:\d+$/, '').replace(/[^a-z0-9]+/g, '_');

function cacheKey(name: string, direction: 'past' | 'present'): { layer: number; part: CachePart } | undefined {
  const s = squash(name);
  const prefix = direction === 'past' ? /^(past_key_values|past_kv|past|cache|in_cache)_/ : /^(present_key_values|present_kv|present|out_cache|new_cache)_/;
  const conv = direction === 'past' ? /^(past_conv|past_conv_state|conv_state_in)_(\d+)$/ : /^(present_conv|present_conv_state|conv_state_out)_(\d+)$/;
  const convMatch = conv.exec(s);
  if (convMatch) return { layer: Number(convMatch[2]), part: 'conv' };
  if (!prefix.test(s)) return undefined;
  const rest = s.replace(prefix, '');
  const match = /^(\d+)_(key|value|k|v|conv|conv_state)$/.exec(rest) ?? /^(key|value|k|v|conv)_(\d+)$/.exec(rest);
  if (!match) return undefined;
  const [a, b] = [match[1] as string, match[2] as string];
  const layer = Number(/^\d+$/.test(a) ? a : b);
  const word = /^\d+$/.test(a) ? b : a;
  const part: CachePart = word.startsWith('k') ? 'key' : word.startsWith('v') ? 'value' : 'conv';
  return { layer, part };
}

function find(metadata: readonly OrtValueMetadata[], ...candidates: string[]): OrtValueMetadata | undefined {
  return metadata.find((m) => candidates.includes(squash(m.name)));
}

export function readDecoderInterface(inputs: readonly OrtValueMetadata[], outputs: readonly OrtValueMetadata[]): DecoderInterface {
  const inputIds = find(inputs, 'input_ids', 'tokens', 'input_tokens');
  const logits = find(outputs, 'logits', 'lm_logits', 'output_logits');
  if (!inputIds || !logits) throw new GraphInterfaceError('the graph has no input_ids input or no logits output');
  const presents = new Map<string, OrtValueMetadata>();
  for (const m of outputs) {
    const key = cacheKey(m.name, 'present');
    if (key) presents.set(`${key.layer}/${key.part}`, m);
  }
  const slots: CacheSlot[] = [];
  for (const m of inputs) {
    const key = cacheKey(m.name, 'past');
    if (!key) continue;
    const present = presents.get(`${key.layer}/${key.part}`);
    if (!present) throw new GraphInterfaceError(`input "${m.name}" has no matching present output`);
    slots.push({ ...key, input: m.name, output: present.name, type: m.type ?? 'float32', shape: m.shape ?? [] });
  }
  if (slots.length !== presents.size) throw new GraphInterfaceError('the graph has present outputs without past inputs');
  const known = new Set([inputIds.name, ...slots.map((s) => s.input)]);
  const attentionMask = find(inputs, 'attention_mask', 'mask');
  const positionIds = find(inputs, 'position_ids', 'positions');
  for (const m of [attentionMask, positionIds]) if (m) known.add(m.name);
  const unknown = inputs.filter((m) => !known.has(m.name));
  if (unknown.length > 0) throw new GraphInterfaceError(`the graph wants inputs the engine does not know: ${unknown.map((m) => m.name).join(', ')}`);
  slots.sort((a, b) => a.layer - b.layer || a.part.localeCompare(b.part));
  return {
    inputIds: inputIds.name,
    ...(attentionMask ? { attentionMask: attentionMask.name } : {}),
    ...(positionIds ? { positionIds: positionIds.name } : {}),
    logits: logits.name,
    logitsType: logits.type ?? 'float32',
    ...(logits.shape?.at(-2) === 1 ? { logitsRows: 1 } : {}),
    slots,
  };
}
