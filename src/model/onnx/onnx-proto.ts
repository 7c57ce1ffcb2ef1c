// Plain-data mirror of the parts of onnx.proto we write, and their encoding. Field numbers follow
// onnx/onnx.proto (ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto, ValueInfoProto).
import { ProtobufWriter } from './protobuf-writer';

/** TensorProto.DataType values. */
export const DataType = {
  float32: 1,
  uint8: 2,
  int8: 3,
  int32: 6,
  int64: 7,
  bool: 9,
  float16: 10,
  float64: 11,
} as const;
export type ElementType = keyof typeof DataType;

export const BYTES_PER_ELEMENT: Record<ElementType, number> = {
  float32: 4, uint8: 1, int8: 1, int32: 4, int64: 8, bool: 1, float16: 2, float64: 8,
};

/** A dimension is a fixed size or a symbolic name such as 'batch_size'. */
export type Dim = number | string;

export interface ValueInfo {
  name: string;
  elementType: ElementType;
  dims: readonly Dim[];
}

/** Where an external initializer's bytes live, relative to the .onnx file. */
export interface ExternalLocation {
  location: string;
  offset: number;
  length: number;
}

export interface Tensor {
  name: string;
  elementType: ElementType;
  dims: readonly number[];
  /** Exactly one of the two: bytes inline in the model, or a place in an external data file. */
  rawData?: Uint8Array;
  external?: ExternalLocation;
}

export type AttributeValue =
  | { kind: 'int'; value: number }
  | { kind: 'float'; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'ints'; value: readonly number[] }
  | { kind: 'floats'; value: readonly number[] }
  | { kind: 'tensor'; value: Tensor }
  /** A subgraph (If branches, Loop and Scan bodies); it may use values of the enclosing graph by name. */
  | { kind: 'graph'; value: Graph };

export interface Node {
  opType: string;
  domain: string;
  name: string;
  inputs: readonly string[];
  outputs: readonly string[];
  attributes: Readonly<Record<string, AttributeValue>>;
}

export interface Graph {
  name: string;
  nodes: readonly Node[];
  initializers: readonly Tensor[];
  inputs: readonly ValueInfo[];
  outputs: readonly ValueInfo[];
}

export interface OpsetImport {
  domain: string;
  version: number;
}

export interface Model {
  graph: Graph;
  opsetImports: readonly OpsetImport[];
  producerName: string;
  metadata?: Readonly<Record<string, string>>;
}

/** IR version 10 is what ORT 1.2x/1.3x reads and what opset 21 requires. */
const IR_VERSION = 10;

const ATTRIBUTE_TYPE = { float: 1, int: 2, string: 3, tensor: 4, graph: 5, floats: 6, ints: 7 } as const;

function writeTensor(w: ProtobufWriter, t: Tensor): void {
  w.packedInts(1, t.dims);
  w.int(2, DataType[t.elementType]);
  w.string(8, t.name);
  if (t.rawData && t.external) throw new Error(`tensor ${t.name}: both inline and external data`);
  if (t.rawData) w.bytes(9, t.rawData);
  if (t.external) {
    const entries: [string, string][] = [
      ['location', t.external.location],
      ['offset', String(t.external.offset)],
      ['length', String(t.external.length)],
    ];
    for (const [key, value] of entries) w.message(13, (e) => e.string(1, key).string(2, value));
    w.int(14, 1); // data_location = EXTERNAL
  }
}

function writeAttribute(w: ProtobufWriter, name: string, a: AttributeValue): void {
  w.string(1, name);
  switch (a.kind) {
    case 'float': w.float(2, a.value); break;
    case 'int': w.int(3, a.value); break;
    case 'string': w.string(4, a.value); break;
    case 'tensor': w.message(5, (t) => writeTensor(t, a.value)); break;
    case 'graph': w.message(6, (g) => writeGraph(g, a.value)); break;
    case 'floats': w.packedFloats(7, a.value); break;
    case 'ints': w.packedInts(8, a.value); break;
  }
  w.int(20, ATTRIBUTE_TYPE[a.kind]);
}

function writeNode(w: ProtobufWriter, n: Node): void {
  for (const input of n.inputs) w.string(1, input);
  for (const output of n.outputs) w.string(2, output);
  w.string(3, n.name);
  w.string(4, n.opType);
  for (const [name, value] of Object.entries(n.attributes)) w.message(5, (a) => writeAttribute(a, name, value));
  if (n.domain) w.string(7, n.domain);
}

function writeValueInfo(w: ProtobufWriter, v: ValueInfo): void {
  w.string(1, v.name);
  w.message(2, (type) =>
    type.message(1, (tensorType) => {
      tensorType.int(1, DataType[v.elementType]);
      tensorType.message(2, (shape) => {
        for (const d of v.dims) {
          shape.message(1, (dim) => (typeof d === 'number' ? dim.int(1, d) : dim.string(2, d)));
        }
      });
    }),
  );
}

function writeGraph(w: ProtobufWriter, g: Graph): void {
  for (const n of g.nodes) w.message(1, (m) => writeNode(m, n));
  w.string(2, g.name);
  for (const t of g.initializers) w.message(5, (m) => writeTensor(m, t));
  for (const v of g.inputs) w.message(11, (m) => writeValueInfo(m, v));
  for (const v of g.outputs) w.message(12, (m) => writeValueInfo(m, v));
}

export function encodeModel(model: Model): Uint8Array {
  const w = new ProtobufWriter();
  w.int(1, IR_VERSION);
  w.string(2, model.producerName);
  w.message(7, (g) => writeGraph(g, model.graph));
  for (const o of model.opsetImports) w.message(8, (m) => m.string(1, o.domain).int(2, o.version));
  for (const [key, value] of Object.entries(model.metadata ?? {})) w.message(14, (m) => m.string(1, key).string(2, value));
  return w.finish();
}
