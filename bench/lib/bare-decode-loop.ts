// A bare onnxruntime-web decode loop in the extension's offscreen document: the same graph the engine runs, fed
// with plain tensors (caches passed straight from outputs to inputs, argmax of the last logits row), no prefix
// cache, sampler, detokenizer or events. What the engine's own loop is measured against. Its session lives beside
// the engine's, so the two can be measured in turn, pair after pair.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DIST } from '../../scripts/lib/chromium';
import type { OffscreenEval } from '../../scripts/lib/offscreen-devtools';

export interface BareLoop {
  /** Prefills `prompt` in runs of `chunk`, then decodes `newTokens`: milliseconds per decode step (their mean). */
  decodeMs(prompt: readonly number[], newTokens: number, chunk: number): Promise<number>;
  close(): Promise<void>;
}

/** Opens the bare loop on `model_<dtype>.onnx` of the folder served at `modelUrl`, with the extension's own ORT build. */
export async function openBareLoop(evaluate: OffscreenEval, modelDir: string, modelUrl: string, dtype: string): Promise<BareLoop> {
  const ortChunk = readdirSync(join(DIST, 'assets')).find((f) => /^ort\.wasm\.min-.*\.js$/.test(f));
  if (!ortChunk) throw new Error('no onnxruntime-web WASM build in dist/assets: run npm run build');
  const dataFiles = readdirSync(join(modelDir, 'onnx'))
    .filter((f) => f.startsWith(`model_${dtype}.onnx_data`))
    .sort((a, b) => a.length - b.length || a.localeCompare(b));
  await evaluate(openSource({ ortUrl: `/assets/${ortChunk}`, modelUrl, dtype, dataFiles }));
  return {
    decodeMs: (prompt, newTokens, chunk) => evaluate<number>(`globalThis.__pagewiseBareLoop.decodeMs(${JSON.stringify(prompt)}, ${newTokens}, ${chunk})`),
    close: () => evaluate('globalThis.__pagewiseBareLoop.close()'),
  };
}

function openSource(input: { ortUrl: string; modelUrl: string; dtype: string; dataFiles: string[] }): string {
  return `(async () => {
    const input = ${JSON.stringify(input)};
    const ort = await import(input.ortUrl);
    const bytes = new Uint8Array(await (await fetch(input.modelUrl + 'onnx/model_' + input.dtype + '.onnx')).arrayBuffer());
    const externalData = [];
    for (const path of input.dataFiles) externalData.push({ path, data: new Uint8Array(await (await fetch(input.modelUrl + 'onnx/' + path)).arrayBuffer()) });
    const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'], externalData, graphOptimizationLevel: 'all' });
    // Released tensors give their arrays back at once, as the engine's do (src/engine/release-tensor.ts): the two
    // loops differ in what the engine adds per token, not in how soon memory returns.
    const free = (t) => {
      if (t.location === 'cpu') {
        const d = t.data;
        if (d.byteOffset === 0 && d.byteLength === d.buffer.byteLength) try { d.buffer.transfer?.(0); } catch {}
      }
      t.dispose();
    };
    async function decodeMs(prompt, newTokens, chunk) {
      let past = {};
      for (const m of session.inputMetadata) {
        if (!m.name.startsWith('past')) continue;
        const dims = m.shape.map((d, i) => (typeof d === 'number' ? d : i === 0 ? 1 : 0));
        past[m.name] = new ort.Tensor(m.type, new Float32Array(dims.reduce((a, b) => a * b, 1)), dims);
      }
      let length = 0;
      async function step(ids) {
        const n = ids.length;
        const total = length + n;
        const feeds = {
          ...past,
          input_ids: new ort.Tensor('int64', BigInt64Array.from(ids, (t) => BigInt(t)), [1, n]),
          attention_mask: new ort.Tensor('int64', new BigInt64Array(total).fill(1n), [1, total]),
          position_ids: new ort.Tensor('int64', BigInt64Array.from({ length: n }, (_, i) => BigInt(length + i)), [1, n]),
        };
        const out = await session.run(feeds);
        for (const t of Object.values(past)) free(t);
        past = {};
        for (const name of session.outputNames) {
          if (name === 'logits') continue;
          past[name.startsWith('present_conv') ? name.replace('present_conv', 'past_conv') : name.replace('present', 'past_key_values')] = out[name];
        }
        length = total;
        const data = out.logits.data;
        const vocab = out.logits.dims[out.logits.dims.length - 1];
        let best = data.length - vocab;
        for (let i = best + 1; i < data.length; i++) if (data[i] > data[best]) best = i;
        const token = best - (data.length - vocab);
        free(out.logits);
        return token;
      }
      let next = 0;
      for (let at = 0; at < prompt.length; at += chunk) next = await step(prompt.slice(at, at + chunk));
      const start = performance.now();
      for (let i = 1; i < newTokens; i++) next = await step([next]);
      const ms = (performance.now() - start) / (newTokens - 1);
      for (const t of Object.values(past)) free(t);
      return ms;
    }
    globalThis.__pagewiseBareLoop = { decodeMs, close: () => session.release() };
  })()`;
}
