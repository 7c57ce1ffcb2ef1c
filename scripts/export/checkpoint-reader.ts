// Reads a Hugging Face checkpoint one tensor at a time: only headers are kept in memory, and each tensor's
// bytes are read when asked for, so an 8B checkpoint never sits in RAM at once. The files come from a folder or
// from a virtual checkpoint (scripts/export/virtual-checkpoint.ts), whose bytes are computed, not stored.
import { closeSync, existsSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { decodeTensor, parseSafetensorsHeader, SafetensorsError, type TensorEntry } from '../../src/model/safetensors';

/** A checkpoint's files by path relative to its root ('config.json', 'model-00001-of-00004.safetensors'). */
export interface CheckpointFiles {
  /** Where the files are, for messages. */
  readonly name: string;
  paths(): string[];
  has(path: string): boolean;
  size(path: string): number;
  /** Bytes [begin, end) of `path`. */
  read(path: string, begin: number, end: number): Uint8Array;
}

export function folderFiles(dir: string): CheckpointFiles {
  return {
    name: dir,
    paths: () =>
      readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split(sep).join('/'))
        .sort(),
    has: (path) => existsSync(join(dir, path)),
    size: (path) => statSync(join(dir, path)).size,
    read: (path, begin, end) => {
      const fd = openSync(join(dir, path), 'r');
      try {
        const out = new Uint8Array(end - begin);
        let done = 0;
        while (done < out.length) {
          const n = readSync(fd, out, done, out.length - done, begin + done);
          if (n === 0) throw new SafetensorsError(`${join(dir, path)}: unexpected end of file`);
          done += n;
        }
        return out;
      } finally {
        closeSync(fd);
      }
    },
  };
}

export function checkpointFiles(source: string | CheckpointFiles): CheckpointFiles {
  return typeof source === 'string' ? folderFiles(source) : source;
}

export function readText(files: CheckpointFiles, path: string): string {
  return new TextDecoder().decode(files.read(path, 0, files.size(path)));
}

interface Located extends TensorEntry {
  file: string;
}

function readHeader(files: CheckpointFiles, path: string): TensorEntry[] {
  const size = files.size(path);
  const where = `${files.name}/${path}`;
  if (size < 8) throw new SafetensorsError(`${where}: truncated: ${size} bytes is shorter than the 8-byte header length`);
  const length = Number(new DataView(files.read(path, 0, 8).buffer).getBigUint64(0, true));
  if (8 + length > size) throw new SafetensorsError(`${where}: truncated: header says ${length} bytes but the file has ${size}`);
  return parseSafetensorsHeader(files.read(path, 0, 8 + length), size, where);
}

export class CheckpointReader {
  private readonly tensors = new Map<string, Located>();
  /** Every stored tensor in the order the files hold them (files in index order, then by offset). */
  readonly stored: Located[] = [];

  private readonly files: CheckpointFiles;

  constructor(source: string | CheckpointFiles) {
    const files = checkpointFiles(source);
    this.files = files;
    const index = 'model.safetensors.index.json';
    const shards = files.has(index)
      ? [...new Set(Object.values((JSON.parse(readText(files, index)) as { weight_map: Record<string, string> }).weight_map))]
      : files.paths().filter((f) => f.endsWith('.safetensors') && !f.includes('/'));
    if (shards.length === 0) throw new SafetensorsError(`${files.name}: no *.safetensors files`);
    for (const f of shards) {
      const entries = readHeader(files, f).sort((a, b) => a.begin - b.begin);
      for (const entry of entries) {
        const located = { ...entry, file: f };
        this.tensors.set(entry.name, located);
        this.stored.push(located);
      }
    }
  }

  /** Stored tensor `index` (of `stored`) as float32. */
  readStored(index: number): Float32Array {
    const entry = this.stored[index]!;
    return decodeTensor(entry.dtype, this.files.read(entry.file, entry.begin, entry.end));
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
    return decodeTensor(entry.dtype, this.files.read(entry.file, entry.begin, entry.end));
  }
}
