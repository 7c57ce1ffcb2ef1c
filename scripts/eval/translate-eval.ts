// Translation quality on a parallel test set, through the prompts, batching and parser the page uses: each source
// line is a unit, batches go through runTranslateBatch exactly as the engine host sends them, and the engine is
// the extension's own (on onnxruntime-node's CPU backend here).
import { readFileSync } from 'node:fs';
import * as ortNode from 'onnxruntime-node';
import { Engine } from '../../src/engine/engine';
import type { OrtApi, OrtSession } from '../../src/engine/ort-types';
import { piecesText, type TranslateBatch } from '../../src/protocol';
import { runTranslateBatch, type TranslateModel } from '../../src/tasks/translate/batch-runner';
import { FolderModelSource } from '../../test/support/folder-model-source';
import { corpusChrf } from './chrf';

export interface TranslateEvalOptions {
  model: string;
  dtype: string;
  source: string;
  reference: string;
  from: string;
  to: string;
  /** Lines per request, as a page batch would hold them. */
  batch?: number;
  limit?: number;
}

export interface TranslateEvalResult {
  lines: number;
  chrfPlusPlus: number;
  /** Letters of the output in the target language's script, over all letters written. */
  targetScriptShare: number;
  /** Lines that came back unchanged or not at all. */
  untranslatedShare: number;
  failed: number;
  seconds: number;
  hypotheses: string[];
}

/** Unicode scripts of target languages, for the share of output written in the right one. */
const SCRIPTS: Record<string, RegExp> = {
  hi: /\p{Script=Devanagari}/u, mr: /\p{Script=Devanagari}/u, ne: /\p{Script=Devanagari}/u, th: /\p{Script=Thai}/u,
  ar: /\p{Script=Arabic}/u, fa: /\p{Script=Arabic}/u, ur: /\p{Script=Arabic}/u, he: /\p{Script=Hebrew}/u,
  ru: /\p{Script=Cyrillic}/u, uk: /\p{Script=Cyrillic}/u, zh: /\p{Script=Han}/u, ja: /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u,
  ko: /\p{Script=Hangul}/u, el: /\p{Script=Greek}/u, bn: /\p{Script=Bengali}/u, ta: /\p{Script=Tamil}/u,
};

export async function evaluateTranslation(options: TranslateEvalOptions): Promise<TranslateEvalResult> {
  const read = (path: string) => readFileSync(path, 'utf8').split('\n').map((line) => line.trim()).filter((line, i, all) => line || i < all.length - 1);
  const sources = read(options.source).slice(0, options.limit);
  const references = read(options.reference).slice(0, options.limit);
  if (sources.length !== references.length) throw new Error(`${options.source} has ${sources.length} lines, ${options.reference} has ${references.length}: a parallel set has one line per sentence in each.`);
  const engine = await Engine.load({
    ort: ortNode as unknown as OrtApi,
    source: new FolderModelSource(options.model),
    dtype: options.dtype,
    createSession: async (graph) => (await ortNode.InferenceSession.create(graph.bytes, { externalData: graph.externalData, graphOptimizationLevel: 'all' })) as unknown as OrtSession,
  });
  const model: TranslateModel = {
    textTokens: (text) => engine.chat.encode(text).length,
    async generate(messages, maxNewTokens, signal, onText) {
      const result = await engine.generate({ messages, maxNewTokens, maxThinkingTokens: 0, sampling: { temperature: 0 } }, signal, (event) => {
        if (event.type === 'text' && event.channel === 'answer') onText(event.text);
      });
      return { promptTokens: result.promptTokens, reusedTokens: result.reusedTokens, writtenTokens: result.tokens.length, decodeMs: result.totalMs - result.ttftMs };
    },
  };
  const started = performance.now();
  const hypotheses = new Array<string>(sources.length).fill('');
  let failed = 0;
  const size = options.batch ?? 8;
  try {
    for (let at = 0; at < sources.length; at += size) {
      const batch: TranslateBatch = { from: options.from, to: options.to, units: sources.slice(at, at + size).map((line, k) => ({ id: at + k, pieces: [line] })) };
      const result = await runTranslateBatch(batch, model, new AbortController().signal, (id, pieces) => (hypotheses[id] = piecesText(pieces)));
      failed += result.failed.length;
      process.stderr.write(`\r${Math.min(at + size, sources.length)}/${sources.length} lines`);
    }
  } finally {
    process.stderr.write('\n');
    await engine.dispose();
  }
  const script = SCRIPTS[options.to.split('-')[0]!.toLowerCase()] ?? /\p{Script=Latin}/u;
  let letters = 0;
  let inScript = 0;
  for (const char of hypotheses.join('')) {
    if (!/\p{L}/u.test(char)) continue;
    letters++;
    if (script.test(char)) inScript++;
  }
  const untranslated = hypotheses.filter((h, i) => !h.trim() || h.trim() === sources[i]).length;
  return {
    lines: sources.length,
    chrfPlusPlus: corpusChrf(hypotheses, references),
    targetScriptShare: letters ? inScript / letters : 0,
    untranslatedShare: untranslated / sources.length,
    failed,
    seconds: (performance.now() - started) / 1000,
    hypotheses,
  };
}
