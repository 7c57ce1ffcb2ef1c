// What a model file says about the work it asks of a runtime, read from the graph alone (no weights): its
// operators with their inputs and where they sit (top level, or inside an If/Scan/Loop body), and its
// initializers with their element type, shape and size. Enough to tell whether a backend can run a graph
// before gigabytes of its data are downloaded. Field numbers follow onnx/onnx.proto: ModelProto.graph 7;
// GraphProto node 1, initializer 5; NodeProto input 1, op_type 4, attribute 5, domain 7; AttributeProto g 6,
// graphs 11; TensorProto dims 1, data_type 2, name 8, raw_data 9, external_data 13; StringStringEntryProto
// key 1, value 2.
import { messages, stringEntry, text, wireFields } from './protobuf-reader';

export interface GraphNode {
  opType: string;
  domain: string;
  /** As the node lists them: '' marks an optional input left out. */
  inputs: string[];
  /** 0 for the main graph; 1 and more inside subgraphs (If branches, Scan and Loop bodies). */
  depth: number;
}

export interface GraphInitializer {
  name: string;
  /** TensorProto.DataType: 1 float, 2 uint8, 3 int8, 7 int64, 10 float16, … */
  dataType: number;
  dims: number[];
  /** Bytes of its data, inline or in an external file. */
  bytes: number;
}

export interface GraphSummary {
  nodes: GraphNode[];
  initializers: GraphInitializer[];
}

export function summarizeGraph(model: Uint8Array): GraphSummary {
  const nodes: GraphNode[] = [];
  const initializers: GraphInitializer[] = [];
  const graph = (bytes: Uint8Array, depth: number): void => {
    for (const f of wireFields(bytes)) {
      if (f.wire !== 'bytes') continue;
      if (f.field === 1) node(f.value, depth);
      else if (f.field === 5) initializers.push(initializer(f.value));
    }
  };
  const node = (bytes: Uint8Array, depth: number): void => {
    const found: GraphNode = { opType: '', domain: '', inputs: [], depth };
    for (const f of wireFields(bytes)) {
      if (f.wire !== 'bytes') continue;
      if (f.field === 1) found.inputs.push(text(f.value));
      else if (f.field === 4) found.opType = text(f.value);
      else if (f.field === 7) found.domain = text(f.value);
      else if (f.field === 5) {
        for (const a of wireFields(f.value)) if (a.wire === 'bytes' && (a.field === 6 || a.field === 11)) graph(a.value, depth + 1);
      }
    }
    nodes.push(found);
  };
  for (const g of messages(model, 7)) graph(g, 0);
  return { nodes, initializers };
}

function initializer(bytes: Uint8Array): GraphInitializer {
  const found: GraphInitializer = { name: '', dataType: 0, dims: [], bytes: 0 };
  for (const f of wireFields(bytes)) {
    if (f.field === 1 && f.wire === 'varint') found.dims.push(f.value);
    else if (f.field === 1 && f.wire === 'bytes') found.dims.push(...packedVarints(f.value));
    else if (f.field === 2 && f.wire === 'varint') found.dataType = f.value;
    else if (f.field === 8 && f.wire === 'bytes') found.name = text(f.value);
    else if (f.field === 9 && f.wire === 'bytes') found.bytes = f.value.length;
    else if (f.field === 13 && f.wire === 'bytes') {
      const { key, value } = stringEntry(f.value);
      if (key === 'length') found.bytes = Number(value);
    }
  }
  return found;
}

function packedVarints(bytes: Uint8Array): number[] {
  const values: number[] = [];
  let value = 0;
  let scale = 1;
  for (const byte of bytes) {
    value += (byte & 0x7f) * scale;
    scale *= 128;
    if (byte < 0x80) {
      values.push(value);
      value = 0;
      scale = 1;
    }
  }
  return values;
}
