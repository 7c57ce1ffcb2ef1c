// A small byte-level BPE tokenizer in the Hugging Face tokenizers format: every UTF-8 byte is a token, so
// any text round-trips; a few hundred merges learned from a multilingual sample keep sequences short.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SPECIAL_TOKENS } from '../../src/model/special-tokens';

const SAMPLE = [
  'The quick brown fox jumps over the lazy dog. Summarize this page, translate the text and fill the form.',
  'नमस्ते, आप कैसे हैं? यह पृष्ठ हिंदी में है।',
  'สวัสดีครับ วันนี้อากาศดีมาก',
  'مرحبا، كيف حالك؟ هذه الصفحة باللغة العربية.',
  '{"name": "fill_field", "arguments": {"id": "f3", "value": "Priya"}}',
].join('\n');

/** GPT-2's byte → printable character table, which the ByteLevel pre-tokenizer and decoder assume. */
function byteToChar(): string[] {
  const printable = [...Array(256).keys()].filter((b) => (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || b >= 174);
  let extra = 0;
  return [...Array(256).keys()].map((b) => String.fromCodePoint(printable.includes(b) ? b : 256 + extra++));
}

function learnMerges(count: number, chars: string[]): [string, string][] {
  const words = SAMPLE.split(/(?=\s)/).map((w) => [...new TextEncoder().encode(w)].map((b) => chars[b] as string));
  const merges: [string, string][] = [];
  while (merges.length < count) {
    const counts = new Map<string, number>();
    for (const w of words) for (let i = 0; i + 1 < w.length; i++) counts.set(`${w[i]} ${w[i + 1]}`, (counts.get(`${w[i]} ${w[i + 1]}`) ?? 0) + 1);
    let best = '';
    let bestCount = 0;
    for (const [pair, n] of counts) if (n > bestCount) [best, bestCount] = [pair, n];
    if (bestCount < 2) break;
    const [a, b] = best.split(' ') as [string, string];
    merges.push([a, b]);
    for (const w of words) {
      for (let i = 0; i + 1 < w.length; i++) if (w[i] === a && w[i + 1] === b) w.splice(i, 2, a + b);
    }
  }
  return merges;
}

export function writeTokenizerFiles(dir: string, vocabSize: number): void {
  const chars = byteToChar();
  const vocab: Record<string, number> = {};
  for (const t of SPECIAL_TOKENS) vocab[t.content] = t.id;
  let next = SPECIAL_TOKENS.length;
  for (const c of chars) vocab[c] = next++;
  const merges = learnMerges(vocabSize - next, chars);
  for (const [a, b] of merges) vocab[a + b] = next++;
  const addedTokens = SPECIAL_TOKENS.map((t) => ({ id: t.id, content: t.content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: t.special }));
  const tokenizer = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: addedTokens,
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor: null,
    decoder: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    model: { type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: null, end_of_word_suffix: null, fuse_unk: false, byte_fallback: false, ignore_merges: false, vocab, merges: merges.map(([a, b]) => [a, b]) },
  };
  const template = readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'chat-template.jinja'), 'utf8');
  const config = {
    tokenizer_class: 'PreTrainedTokenizerFast',
    bos_token: '<|startoftext|>',
    eos_token: '<|im_end|>',
    pad_token: '<|pad|>',
    add_bos_token: false,
    add_eos_token: false,
    clean_up_tokenization_spaces: false,
    model_max_length: 2048,
    added_tokens_decoder: Object.fromEntries(addedTokens.map(({ id, ...rest }) => [String(id), rest])),
    chat_template: template,
  };
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(tokenizer));
  writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify(config, null, 2));
}
