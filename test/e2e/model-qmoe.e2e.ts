// QMoE alone on onnxruntime-web in Chromium, against a plain JS evaluation of the same int4 experts. Pins down
// why the exporter hands QMoE one row at a time on WebGPU (lfm2-graph.ts, qmoeRowByRow): the kernel's
// several-rows path loses whole tokens there, while its one-row path and the CPU kernel are exact.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { attr, encodeGraph, GraphBuilder } from '../../src/model/onnx/graph-builder';
import { dequantizeInt4, quantizeInt4 } from '../../src/model/quantization';
import { relativeError } from '../unit/model/ort-decoder';
import { openOrtTestPages, type OrtTestPages } from './harness/ort-test-page-server';

const H = 64;
const I = 64;
const E = 8;
const K = 4;
const UNSELECTED = -10000;

function random(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) >>> 0), (s / 2 ** 32) * 2 - 1);
}

/** A QMoE graph with random int4 experts in the exporter's layout (swiglu_fusion 1, no zero points). */
function buildQmoe(dir: string): { fc1: Float64Array[]; fc2: Float64Array[] } {
  const next = random(7);
  const fc1 = new Uint8Array((E * 2 * I * H) / 2);
  const fc1Scales = new Float32Array((E * 2 * I * H) / 32);
  const fc2 = new Uint8Array((E * H * I) / 2);
  const fc2Scales = new Float32Array((E * H * I) / 32);
  const weights = { fc1: [] as Float64Array[], fc2: [] as Float64Array[] };
  for (let e = 0; e < E; e++) {
    const up = quantizeInt4(Float32Array.from({ length: 2 * I * H }, () => next() * 0.2), 2 * I, H, 'float32');
    fc1.set(up.packed, e * up.packed.length);
    fc1Scales.set(up.scales, e * up.scales.length);
    weights.fc1.push(dequantizeInt4(up));
    const down = quantizeInt4(Float32Array.from({ length: H * I }, () => next() * 0.2), H, I, 'float32');
    fc2.set(down.packed, e * down.packed.length);
    fc2Scales.set(down.scales, e * down.scales.length);
    weights.fc2.push(dequantizeInt4(down));
  }
  const g = new GraphBuilder('qmoe');
  const x = g.input('x', 'float32', ['rows', H]);
  const router = g.input('router', 'float32', ['rows', E]);
  g.op('QMoE', [
    x, router,
    g.constant('fc1', 'uint8', [E, 2 * I, H / 2], fc1), g.constant('fc1_scales', 'float32', [E, 2 * I, H / 32], fc1Scales), '',
    g.constant('fc2', 'uint8', [E, H, I / 2], fc2), g.constant('fc2_scales', 'float32', [E, H, I / 32], fc2Scales),
  ], {
    k: K, activation_type: 'swiglu', swiglu_fusion: 1, expert_weight_bits: 4, block_size: 32,
    normalize_routing_weights: 1, activation_alpha: attr.float(1), activation_beta: attr.float(0),
  }, { domain: 'com.microsoft', outputs: ['y'] });
  g.output('y', 'float32', ['rows', H]);
  writeFileSync(join(dir, 'qmoe.onnx'), encodeGraph(g.build()));
  return weights;
}

/** QMoE's contract (docs/ContribOperators.md): softmax over the top-k router logits, swiglu experts, weighted sum. */
function expected(weights: { fc1: Float64Array[]; fc2: Float64Array[] }, x: number[], logits: number[]): number[] {
  const chosen = [...logits.keys()].sort((a, b) => logits[b]! - logits[a]!).slice(0, K);
  const exps = chosen.map((e) => Math.exp(logits[e]!));
  const sum = exps.reduce((a, b) => a + b, 0);
  const out = new Array<number>(H).fill(0);
  chosen.forEach((e, j) => {
    const act = Array.from({ length: I }, (_, i) => {
      let gate = 0;
      let up = 0;
      for (let h = 0; h < H; h++) {
        gate += weights.fc1[e]![2 * i * H + h]! * x[h]!;
        up += weights.fc1[e]![(2 * i + 1) * H + h]! * x[h]!;
      }
      return (gate / (1 + Math.exp(-gate))) * up;
    });
    for (let h = 0; h < H; h++) {
      let y = 0;
      for (let i = 0; i < I; i++) y += weights.fc2[e]![h * I + i]! * act[i]!;
      out[h]! += (exps[j]! / sum) * y;
    }
  });
  return out;
}

describe('QMoE in Chromium against its contract', () => {
  const dir = mkdtempSync(join(tmpdir(), 'qmoe-'));
  const weights = buildQmoe(dir);
  const next = random(11);
  let ort: OrtTestPages;
  let page: Page;

  beforeAll(async () => {
    ort = await openOrtTestPages({ qmoe: dir }, ['webgpu']);
    page = ort.pages.webgpu;
  });
  afterAll(async () => ort?.close());

  /** Runs `rows` random tokens (each routed to K of the E experts) and returns each row's relative error. */
  async function rowErrors(ep: 'webgpu' | 'wasm', rows: number): Promise<number[]> {
    const xs = Array.from({ length: rows }, () => Array.from({ length: H }, () => next()));
    const logits = Array.from({ length: rows }, (_, t) => Array.from({ length: E }, (_, e) => ((e + t) % E < K ? next() : UNSELECTED)));
    const y = await page.evaluate(async ({ ep, xs, logits }) => {
      type Ort = typeof import('onnxruntime-web');
      const w = window as unknown as { ort: Ort; qmoeSessions?: Record<string, import('onnxruntime-web').InferenceSession> };
      w.qmoeSessions ??= {};
      w.qmoeSessions[ep] ??= await w.ort.InferenceSession.create('/models/qmoe/qmoe.onnx', { executionProviders: [ep] });
      const tensor = (rows: number[][]) => new w.ort.Tensor('float32', Float32Array.from(rows.flat()), [rows.length, rows[0]!.length]);
      const out = await w.qmoeSessions[ep].run({ x: tensor(xs), router: tensor(logits) });
      return Array.from(out.y!.data as Float32Array);
    }, { ep, xs, logits });
    return xs.map((x, t) => relativeError(y.slice(t * H, (t + 1) * H), expected(weights, x, logits[t]!)));
  }

  test('one row on WebGPU, and many rows on WASM, match the contract', async () => {
    for (let i = 0; i < 4; i++) expect(Math.max(...(await rowErrors('webgpu', 1)))).toBeLessThan(1e-5);
    expect(Math.max(...(await rowErrors('wasm', 64)))).toBeLessThan(1e-5);
  });

  // onnxruntime-web 1.31.0-dev.20260914, contrib_ops/webgpu/moe/gate.wgsl.template: one workgroup per row
  // appends the row to each chosen expert's list with atomicAdd on a counter that workgroup 0 resets in the
  // same dispatch; with no ordering between workgroups an early row's entry is wiped and overwritten, and that
  // token gets no expert at all (its output row is exactly 0, relative error 1). It is a race, so try a few
  // times. When this fails, ORT has fixed the kernel: drop qmoeRowByRow from the exporter.
  test('several rows on WebGPU still lose whole tokens, so the exporter must keep one row per call', async () => {
    let lost = 0;
    let correct = 0;
    for (let attempt = 0; attempt < 10 && lost === 0; attempt++) {
      const errors = await rowErrors('webgpu', 64);
      lost += errors.filter((e) => Math.abs(e - 1) < 1e-9).length;
      correct += errors.filter((e) => e < 1e-5).length;
    }
    console.log(`multi-row QMoE on WebGPU: ${lost} tokens lost, ${correct} correct`);
    expect(lost).toBeGreaterThan(0);
  });
});
