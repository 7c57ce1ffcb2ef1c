// A bare onnxruntime-web decode loop, as page source for the offscreen document: the same graph the engine
// runs, fed with plain tensors (caches passed straight from outputs to inputs, argmax of the last logits row),
// no prefix cache, sampler, detokenizer or events. What the engine's own loop is measured against.

export interface BareLoopInput {
  ortUrl: string;
  modelUrl: string;
  dtype: string;
  dataFiles: string[];
  prompt: number[];
  newTokens: number;
  chunk: number;
}

/** Page source of an async expression resolving to { decodeMs } (milliseconds per decode step, median of steps). */
export function bareDecodeLoopSource(input: BareLoopInput): string {
  return `(async () => {
    const input = ${JSON.stringify(input)};
    const ort = await import(input.ortUrl);
    const bytes = new Uint8Array(await (await fetch(input.modelUrl + 'onnx/model_' + input.dtype + '.onnx')).arrayBuffer());
    const externalData = [];
    for (const path of input.dataFiles) externalData.push({ path, data: new Uint8Array(await (await fetch(input.modelUrl + 'onnx/' + path)).arrayBuffer()) });
    const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'], externalData, graphOptimizationLevel: 'all' });
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
      for (const t of Object.values(past)) t.dispose();
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
      out.logits.dispose();
      return best - (data.length - vocab);
    }
    let next = 0;
    for (let at = 0; at < input.prompt.length; at += input.chunk) next = await step(input.prompt.slice(at, at + input.chunk));
    const start = performance.now();
    for (let i = 1; i < input.newTokens; i++) next = await step([next]);
    const decodeMs = (performance.now() - start) / (input.newTokens - 1);
    for (const t of Object.values(past)) t.dispose();
    await session.release();
    return { decodeMs };
  })()`;
}
