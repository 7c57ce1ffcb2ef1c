// Reads a Hugging Face checkpoint folder one tensor at a time: only headers are kept in memory, and each
// tensor's bytes are read from disk when asked for, so an 8B checkpoint never sits in RAM at once.
import { closeSync, existsSync, fstatSync, openSync, readFileSync, readSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { decodeTensor, parseSafetensorsHeader, SafetensorsError, type TensorEntry } from '../../src/model/safetensors';

interface Located extends TensorEntry {
  file: string;
}

function readRange(file: string, begin: number, end: number): Uint8Array {
  const fd = openSync(file, 'r');
  try {
    const out = new Uint8Array(end - begin);
    let done = 0;
    while (done < out.length) {
      const n = readSync(fd, out, done, out.length - done, begin + done);
      if (n === 0) throw new SafetensorsError(`${file}: unexpected end of file`);
      done += n;
    }
    return out;
  } finally {
    closeSync(fd);
  }
}

function readHeader(file: string): TensorEntry[] {
  const fd = openSync(file, 'r');
  let size: number;
  try {
    size = fstatSync(fd).size;
  } finally {
    closeSync(fd);
  }
  if (size < 8) throw new SafetensorsError(`${file}: truncated: ${size} bytes is shorter than the 8-byte header length`);
  const length = Number(new DataView(readRange(file, 0, 8).buffer).getBigUint64(0, true));
  if (8 + length > size) throw new SafetensorsError(`${file}: truncated: header says ${length} bytes but the file has ${size}`);
  return parseSafetensorsHeader(readRange(file, 0, 8 + length), size, file);
}

export class CheckpointReader {
  private readonly tensors = new Map<string, Located>();
  /** Every stored tensor in the order the files hold them (files in index order, then by offset). */
  readonly stored: Located[] = [];

  constructor(readonly dir: string) {
    const index = join(dir, 'model.safetensors.index.json');
    const files = existsSync(index)
      ? [...new Set(Object.values((JSON.parse(readFileSync(index, 'utf8')) as { weight_map: Record<string, string> }).weight_map))]
      : readdirSync(dir).filter((f) => f.endsWith('.safetensors')).sort();
    if (files.length === 0) throw new SafetensorsError(`${dir}: no *.safetensors files`);
    for (const f of files) {
      const entries = readHeader(join(dir, f)).sort((a, b) => a.begin - b.begin);
      for (const entry of entries) {
        const located = { ...entry, file: join(dir, f) };
        this.tensors.set(entry.name, located);
        this.stored.push(located);
      }
    }
  }

  /** Stored tensor `index` (of `stored`) as float32. */
  readStored(index: number): Float32Array {
    const entry = this.stored[index]!;
    return decodeTensor(entry.dtype, readRange(entry.file, entry.begin, entry.end));
  }

  has(name: string): boolean {
    return this.tensors.has(name);
  }

  /** Reads one tensor as float32 after checking its shape against what the config implies. */
  read(name: string, expectedShape: readonly number[]): Float32Array {
    const entry = this.tensors.get(name);
    if (!entry) throw new SafetensorsError(`checkpoint is missing tensor ${name}`);
    const same = entry.shape.length === expectedShape.length && entry.shape.every((d, i) => d === expectedShape[i]);
    if (!same) {
      throw new SafetensorsError(`tensor ${name} has shape [${entry.shape.join(', ')}] but the config implies [${expectedShape.join(', ')}]`);
    }
    return decodeTensor(entry.dtype, readRange(entry.file, entry.begin, entry.end));
  }
}
