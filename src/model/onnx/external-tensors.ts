// Where an ONNX model's external tensors live (file, offset, length), read from the model file itself, so the
// engine can hand ORT each tensor's bytes as its own piece and let go of it once ORT has copied it. Field
// numbers follow onnx/onnx.proto: ModelProto.graph 7; GraphProto node 1, initializer 5, sparse_initializer 15;
// NodeProto input 1, attribute 5; AttributeProto t 5, g 6, tensors 10, graphs 11, sparse_tensor 22,
// sparse_tensors 23; SparseTensorProto values 1, indices 2; TensorProto name 8, external_data 13,
// data_location 14 (EXTERNAL = 1); StringStringEntryProto key 1, value 2.
import { messages, ProtobufFormatError, stringEntry, text, wireFields } from './protobuf-reader';

export interface ExternalTensor {
  name: string;
  /** The data file, as the graph names it (relative to the .onnx file). */
  location: string;
  offset: number;
  /** Bytes; -1 when the graph leaves it out (the tensor runs to the end of the file). */
  length: number;
  /**
   * ORT will likely read this tensor more than once: an initializer that feeds a node whose inputs are all
   * constants (constant folding reads it while optimizing) and is also kept for another node (read again when
   * the session stores its initializers). Seen on an int8 embedding table that fed the Gather and, through a
   * Cast that folded, a float32 LM head (no longer exported: test/unit/engine/tensor-by-tensor-file.test.ts
   * builds such a graph).
   */
  readMoreThanOnce: boolean;
}

const EXTERNAL = 1;

export function externalTensors(model: Uint8Array): ExternalTensor[] {
  const found: Omit<ExternalTensor, 'readMoreThanOnce'>[] = [];
  const initializers = new Set<string>();
  const consumers: string[][] = [];

  const tensor = (bytes: Uint8Array, isInitializer: boolean): void => {
    let name = '';
    let external = false;
    const entries = new Map<string, string>();
    for (const f of wireFields(bytes)) {
      if (f.field === 8 && f.wire === 'bytes') name = text(f.value);
      else if (f.field === 14 && f.wire === 'varint') external = f.value === EXTERNAL;
      else if (f.field === 13 && f.wire === 'bytes') {
        const { key, value } = stringEntry(f.value);
        entries.set(key, value);
      }
    }
    if (isInitializer) initializers.add(name);
    if (!external) return;
    const location = entries.get('location');
    const offset = Number(entries.get('offset') ?? 0);
    const length = entries.has('length') ? Number(entries.get('length')) : -1;
    if (!location || !Number.isSafeInteger(offset) || offset < 0 || !Number.isSafeInteger(length) || length < -1) {
      throw new ProtobufFormatError(`The model's tensor ${name || '(unnamed)'} has a malformed external data location.`);
    }
    found.push({ name, location, offset, length });
  };
  const sparse = (bytes: Uint8Array, isInitializer: boolean): void => {
    for (const f of wireFields(bytes)) if ((f.field === 1 || f.field === 2) && f.wire === 'bytes') tensor(f.value, isInitializer);
  };
  const graph = (bytes: Uint8Array): void => {
    for (const f of wireFields(bytes)) {
      if (f.wire !== 'bytes') continue;
      if (f.field === 5) tensor(f.value, true);
      else if (f.field === 15) sparse(f.value, true);
      else if (f.field === 1) node(f.value);
    }
  };
  const node = (bytes: Uint8Array): void => {
    const inputs: string[] = [];
    for (const f of wireFields(bytes)) {
      if (f.wire !== 'bytes') continue;
      if (f.field === 1) inputs.push(text(f.value));
      else if (f.field === 5) attribute(f.value);
    }
    consumers.push(inputs.filter((input) => input !== ''));
  };
  const attribute = (bytes: Uint8Array): void => {
    for (const f of wireFields(bytes)) {
      if (f.wire !== 'bytes') continue;
      if (f.field === 5 || f.field === 10) tensor(f.value, false);
      else if (f.field === 6 || f.field === 11) graph(f.value);
      else if (f.field === 22 || f.field === 23) sparse(f.value, false);
    }
  };

  for (const g of messages(model, 7)) graph(g);

  const foldedFrom = new Set<string>();
  const uses = new Map<string, number>();
  for (const inputs of consumers) {
    for (const input of new Set(inputs)) uses.set(input, (uses.get(input) ?? 0) + 1);
    if (inputs.length > 0 && inputs.every((input) => initializers.has(input))) inputs.forEach((input) => foldedFrom.add(input));
  }
  return found.map((t) => ({ ...t, readMoreThanOnce: foldedFrom.has(t.name) && (uses.get(t.name) ?? 0) > 1 }));
}
