// Writes external initializer data into files of at most `chunkBytes` each (model_q4.onnx_data,
// model_q4.onnx_data_1, …), as the store downloads them and as browsers cap single buffers below 2 GB.
import { closeSync, openSync, writeSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { DataSink } from '../../src/model/export/lfm2-graph';
import type { ExternalLocation } from '../../src/model/onnx/onnx-proto';

export const DEFAULT_CHUNK_BYTES = 2_000_000_000;

export class ChunkedDataSink implements DataSink {
  private fd = -1;
  private written = 0;
  readonly files: string[] = [];

  constructor(
    private readonly dir: string,
    private readonly baseName: string,
    private readonly chunkBytes = DEFAULT_CHUNK_BYTES,
  ) {}

  private openNext(): void {
    if (this.fd >= 0) closeSync(this.fd);
    const name = this.files.length === 0 ? this.baseName : `${this.baseName}_${this.files.length}`;
    this.fd = openSync(join(this.dir, name), 'w');
    this.files.push(name);
    this.written = 0;
  }

  place(bytes: Uint8Array): ExternalLocation {
    // A tensor never straddles two files; one larger than a chunk gets a file of its own.
    if (this.fd < 0 || (this.written > 0 && this.written + bytes.length > this.chunkBytes)) this.openNext();
    const offset = this.written;
    for (let done = 0; done < bytes.length; ) done += writeSync(this.fd, bytes, done, bytes.length - done);
    this.written += bytes.length;
    return { location: basename(this.files[this.files.length - 1]!), offset, length: bytes.length };
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}
