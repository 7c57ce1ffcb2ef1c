// Runs exported models inside the ORT test page (ort-test-page-server.ts): sessions and caches live in the
// page; Node sends token ids and masks and gets logits back as base64 float32, bit for bit.
import type * as OrtWeb from 'onnxruntime-web';
import type { Page } from 'playwright-core';
import type { CacheSpec, ForwardFeeds, ForwardRunner } from '../../unit/model/ort-decoder';

type Ep = 'webgpu' | 'wasm';

interface PageSession {
  session: OrtWeb.InferenceSession;
  caches: CacheSpec[];
  past: Map<string, OrtWeb.Tensor>;
}

interface PageGlobals {
  ort: typeof OrtWeb;
  ortTestSessions: Map<string, PageSession>;
}

export interface PageSessionInfo {
  id: string;
  inputNames: string[];
  outputNames: string[];
}

let nextId = 0;

/** Opens `model` (a URL under /models/) with its external data chunks on `ep`, in the page. */
export async function openPageSession(page: Page, ep: Ep, modelUrl: string, dataFiles: string[]): Promise<PageSessionInfo & ForwardRunner> {
  const id = `s${++nextId}`;
  const info = await page.evaluate(
    async ({ id, ep, modelUrl, dataFiles }) => {
      const w = window as unknown as PageGlobals;
      const base = modelUrl.slice(0, modelUrl.lastIndexOf('/') + 1);
      // External data is handed over by URL, as the engine does from the weight store's blob URLs.
      const session = await w.ort.InferenceSession.create(modelUrl, {
        executionProviders: [ep],
        externalData: dataFiles.map((path) => ({ path, data: base + path })),
      });
      w.ortTestSessions.set(id, { session, caches: [], past: new Map() });
      return { id, inputNames: [...session.inputNames], outputNames: [...session.outputNames] };
    },
    { id, ep, modelUrl, dataFiles },
  );
  return {
    ...info,
    reset: (caches) => page.evaluate(
      ({ id, caches }) => {
        const w = window as unknown as PageGlobals;
        const s = w.ortTestSessions.get(id)!;
        s.caches = caches;
        s.past.clear();
        for (const c of caches) {
          const size = c.dims.reduce((a, b) => a * b, 1);
          s.past.set(c.past, new w.ort.Tensor(c.type, c.type === 'float16' ? new Uint16Array(size) : new Float32Array(size), c.dims));
        }
      },
      { id, caches },
    ),
    forward: async (feeds: ForwardFeeds) => {
      const base64 = await page.evaluate(
        async ({ id, feeds }) => {
          const w = window as unknown as PageGlobals;
          const s = w.ortTestSessions.get(id)!;
          const i64 = (rows: number[][]) => new w.ort.Tensor('int64', BigInt64Array.from(rows.flat(), (v) => BigInt(v)), [rows.length, rows[0]!.length]);
          const inputs: Record<string, OrtWeb.Tensor> = { input_ids: i64(feeds.inputIds), attention_mask: i64(feeds.attentionMask), position_ids: i64(feeds.positionIds) };
          for (const [name, tensor] of s.past) inputs[name] = tensor;
          const out = await s.session.run(inputs);
          for (const c of s.caches) s.past.set(c.past, out[c.present]!);
          const logits = out.logits!.data as Float32Array;
          const bytes = new Uint8Array(logits.buffer, logits.byteOffset, logits.byteLength);
          let text = '';
          for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
          return btoa(text);
        },
        { id, feeds },
      );
      const bytes = Buffer.from(base64, 'base64');
      return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4).slice();
    },
  };
}

/** The WebGPU adapter the page gets, and whether it offers shader-f16 (SwiftShader does not). */
export async function describePageAdapter(page: Page): Promise<{ adapter: string; f16: boolean } | undefined> {
  return page.evaluate(async () => {
    const adapter = await navigator.gpu?.requestAdapter();
    if (!adapter) return undefined;
    const { vendor, architecture, description } = adapter.info;
    return { adapter: [vendor, architecture, description].filter(Boolean).join(' '), f16: adapter.features.has('shader-f16') };
  });
}
