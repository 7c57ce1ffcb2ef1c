// safetensors header format: 8-byte little-endian header length, a JSON header mapping tensor names to
// {dtype, shape, data_offsets: [begin, end)} relative to the end of the header, then the raw bytes.
import { fromHalfBits } from './float16';

export type SafetensorsDtype = 'F32' | 'F16' | 'BF16';

export interface TensorEntry {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  /** Absolute byte range in the file. */
  begin: number;
  end: number;
}

const BYTES: Record<SafetensorsDtype, number> = { F32: 4, F16: 2, BF16: 2 };

export class SafetensorsError extends Error {
  override name = 'SafetensorsError';
}

/** Parses the header given the file's first bytes; `fileSize` lets it catch truncated files before any read. */
export function parseSafetensorsHeader(headerBytes: Uint8Array, fileSize: number, fileName: string): TensorEntry[] {
  const headerLength = Number(new DataView(headerBytes.buffer, headerBytes.byteOffset, 8).getBigUint64(0, true));
  const dataStart = 8 + headerLength;
  if (dataStart > fileSize) throw new SafetensorsError(`${fileName}: truncated: header says ${headerLength} bytes but the file has ${fileSize}`);
  let header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  try {
    header = JSON.parse(new TextDecoder().decode(headerBytes.subarray(8, dataStart)));
  } catch {
    throw new SafetensorsError(`${fileName}: header is not valid JSON (not a safetensors file, or truncated)`);
  }
  const entries: TensorEntry[] = [];
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    if (!(info.dtype in BYTES)) throw new SafetensorsError(`${fileName}: tensor ${name} has dtype ${info.dtype}; only F32, F16 and BF16 are read`);
    const dtype = info.dtype as SafetensorsDtype;
    const [begin, end] = info.data_offsets;
    const expected = info.shape.reduce((a, b) => a * b, 1) * BYTES[dtype];
    if (end - begin !== expected) throw new SafetensorsError(`${fileName}: tensor ${name} has ${end - begin} bytes for shape [${info.shape.join(', ')}] ${dtype}`);
    if (dataStart + end > fileSize) {
      throw new SafetensorsError(`${fileName}: truncated: tensor ${name} ends at byte ${dataStart + end} but the file has ${fileSize}`);
    }
    entries.push({ name, dtype, shape: info.shape, begin: dataStart + begin, end: dataStart + end });
  }
  return entries;
}

/** Widens raw tensor bytes to float32. */
export function decodeTensor(dtype: SafetensorsDtype, bytes: Uint8Array): Float32Array {
  if (dtype === 'F32') return new Float32Array(bytes.slice().buffer);
  const halves = new Uint16Array(bytes.slice().buffer);
  const out = new Float32Array(halves.length);
  if (dtype === 'BF16') {
    const bits = new Uint32Array(out.buffer);
    for (let i = 0; i < halves.length; i++) bits[i] = (halves[i] as number) << 16;
    return out;
  }
  for (let i = 0; i < halves.length; i++) {
    out[i] = fromHalfBits(halves[i] as number);
  }
  return out;
}

/** Float32 → bfloat16 bits, round to nearest even (what torch's .to(torch.bfloat16) does); NaN stays NaN. */
export function toBfloat16Bits(bits32: number): number {
  if ((bits32 & 0x7fffffff) > 0x7f800000) return ((bits32 >>> 16) | 0x40) & 0xffff;
  return ((bits32 + 0x7fff + ((bits32 >>> 16) & 1)) >>> 16) & 0xffff;
}

/** Builds the header of a safetensors file holding `tensors` back to back in `dtype` (the random checkpoint writer uses it). */
export function encodeSafetensorsHeader(tensors: { name: string; shape: number[] }[], dtype: SafetensorsDtype = 'F32'): { header: Uint8Array; offsets: number[] } {
  const json: Record<string, unknown> = { __metadata__: { format: 'pt' } };
  const offsets: number[] = [];
  let offset = 0;
  for (const t of tensors) {
    const size = t.shape.reduce((a, b) => a * b, 1) * BYTES[dtype];
    json[t.name] = { dtype, shape: t.shape, data_offsets: [offset, offset + size] };
    offsets.push(offset);
    offset += size;
  }
  let text = JSON.stringify(json);
  text += ' '.repeat((8 - ((8 + text.length) % 8)) % 8);
  const body = new TextEncoder().encode(text);
  const header = new Uint8Array(8 + body.length);
  new DataView(header.buffer).setBigUint64(0, BigInt(body.length), true);
  header.set(body, 8);
  return { header, offsets };
}
