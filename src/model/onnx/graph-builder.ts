// A small typed builder over onnx-proto: names values, collects nodes and initializers, and keeps
// graph construction code close to the math it expresses.
import {
  BYTES_PER_ELEMENT,
  encodeModel,
  type AttributeValue,
  type Dim,
  type ElementType,
  type Graph,
  type Node,
  type OpsetImport,
  type Tensor,
  type ValueInfo,
} from './onnx-proto';

/** Plain numbers become INT attributes and number arrays INTS; use `attr.float` for FLOAT. */
export type AttributeInput = number | string | readonly number[] | AttributeValue;

export const attr = {
  float: (value: number): AttributeValue => ({ kind: 'float', value }),
  floats: (value: readonly number[]): AttributeValue => ({ kind: 'floats', value }),
  tensor: (value: Tensor): AttributeValue => ({ kind: 'tensor', value }),
  graph: (value: Graph): AttributeValue => ({ kind: 'graph', value }),
};

function toAttribute(value: AttributeInput): AttributeValue {
  if (typeof value === 'number') return { kind: 'int', value };
  if (typeof value === 'string') return { kind: 'string', value };
  if (Array.isArray(value)) return { kind: 'ints', value: value as readonly number[] };
  return value as AttributeValue;
}

export interface OpOptions {
  domain?: string;
  /** Names for the outputs ('' leaves an optional output unused); defaults to one generated name. */
  outputs?: readonly string[];
  /** How many outputs to generate names for, when `outputs` is not given. */
  outputCount?: number;
  name?: string;
}

export type TypedArray = Float32Array | Uint8Array | Int8Array | Int32Array | BigInt64Array | Uint16Array | Float64Array;

function bytesOf(data: TypedArray): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

export class GraphBuilder {
  private readonly nodes: Node[] = [];
  private readonly initializers: Tensor[] = [];
  private readonly inputs: ValueInfo[] = [];
  private readonly outputs: ValueInfo[] = [];
  private readonly counters = new Map<string, number>();
  private readonly names = new Set<string>();

  constructor(readonly name: string) {}

  /** A fresh value name starting with `prefix`, not yet used in this graph (it is taken when used). */
  uniqueName(prefix: string): string {
    let n = this.counters.get(prefix) ?? 0;
    let candidate = n === 0 ? prefix : `${prefix}_${n}`;
    while (this.names.has(candidate)) candidate = `${prefix}_${++n}`;
    this.counters.set(prefix, n + 1);
    return candidate;
  }

  private claim(name: string): string {
    if (this.names.has(name)) throw new Error(`graph ${this.name}: value name ${name} used twice`);
    this.names.add(name);
    return name;
  }

  input(name: string, elementType: ElementType, dims: readonly Dim[]): string {
    this.inputs.push({ name: this.claim(name), elementType, dims });
    return name;
  }

  /** Declares an existing value (a node output) as a graph output. */
  output(name: string, elementType: ElementType, dims: readonly Dim[]): void {
    this.outputs.push({ name, elementType, dims });
  }

  /** An initializer whose bytes are given inline (raw_data) or already placed in external data. */
  initializer(tensor: Tensor): string {
    this.addInitializer(tensor);
    return this.claim(tensor.name);
  }

  private addInitializer(tensor: Tensor): void {
    const expected = tensor.dims.reduce((a, b) => a * b, 1) * BYTES_PER_ELEMENT[tensor.elementType];
    const actual = tensor.rawData?.byteLength ?? tensor.external?.length;
    if (actual !== expected) {
      throw new Error(`initializer ${tensor.name}: ${actual} bytes for dims [${tensor.dims.join(', ')}] of ${tensor.elementType}`);
    }
    this.initializers.push(tensor);
  }

  /** A small inline initializer from a typed array, named uniquely from `prefix`. */
  constant(prefix: string, elementType: ElementType, dims: readonly number[], data: TypedArray): string {
    const name = this.uniqueName(prefix);
    this.addInitializer({ name, elementType, dims, rawData: bytesOf(data) });
    return this.claim(name);
  }

  constInt64(prefix: string, values: readonly number[], dims: readonly number[] = [values.length]): string {
    return this.constant(prefix, 'int64', dims, BigInt64Array.from(values, (v) => BigInt(v)));
  }

  /** Adds a node and returns its output names. An empty string in `inputs` marks an omitted optional input. */
  op(opType: string, inputs: readonly string[], attributes: Readonly<Record<string, AttributeInput>> = {}, options: OpOptions = {}): string[] {
    const name = this.claim(options.name ?? this.uniqueName(opType));
    const outputs = options.outputs
      ? options.outputs.map((o) => (o === '' ? o : this.claim(o)))
      : Array.from({ length: options.outputCount ?? 1 }, (_, i) => this.claim(this.uniqueName(`${name}/output_${i}`)));
    const converted: Record<string, AttributeValue> = {};
    for (const [key, value] of Object.entries(attributes)) converted[key] = toAttribute(value);
    this.nodes.push({ opType, domain: options.domain ?? '', name, inputs, outputs, attributes: converted });
    return outputs;
  }

  /** Like `op` for the common single-output case. */
  op1(opType: string, inputs: readonly string[], attributes: Readonly<Record<string, AttributeInput>> = {}, options: OpOptions = {}): string {
    const [out] = this.op(opType, inputs, attributes, options);
    return out as string;
  }

  build(): Graph {
    return { name: this.name, nodes: this.nodes, initializers: this.initializers, inputs: this.inputs, outputs: this.outputs };
  }
}

/** Default opsets: ONNX 21 (what ORT 1.30 fully implements) and com.microsoft 1 for contrib ops. */
export const DEFAULT_OPSETS: readonly OpsetImport[] = [
  { domain: '', version: 21 },
  { domain: 'com.microsoft', version: 1 },
];

export function encodeGraph(graph: Graph, opsetImports: readonly OpsetImport[] = DEFAULT_OPSETS, metadata?: Record<string, string>): Uint8Array {
  return encodeModel({ graph, opsetImports, producerName: 'pagewise', ...(metadata ? { metadata } : {}) });
}
