// The engine on a test model folder, on onnxruntime-node or onnxruntime-web's WASM backend (in Node).
import { Engine, type EngineMemory } from '../../src/engine/engine';
import type { OrtApi, OrtSession } from '../../src/engine/ort-types';
import { FolderModelSource } from './folder-model-source';

interface SessionMaker {
  InferenceSession: { create(bytes: Uint8Array, options: object): Promise<unknown> };
}

export function loadFolderEngine(ort: SessionMaker, dir: string, options: { dtype?: string; wasm?: boolean; memory?: EngineMemory } = {}): Promise<Engine> {
  return Engine.load({
    ort: ort as unknown as OrtApi,
    source: new FolderModelSource(dir),
    dtype: options.dtype ?? 'q4',
    ...(options.memory ? { memory: options.memory } : {}),
    createSession: async (graph) =>
      (await ort.InferenceSession.create(graph.bytes, { externalData: graph.externalData, ...(options.wasm ? { executionProviders: ['wasm'] } : {}) })) as OrtSession,
  });
}
