// An external data file handed to onnxruntime-web as its tensors' bytes, read piece by piece, each piece let
// go of once ORT has copied it: the weights are never held twice in full (file bytes + WASM heap or GPU
// buffers) while a session is created.
//
// ORT-web's contract, read from onnxruntime-web 1.31: `externalData` entries whose data is a Uint8Array are
// mounted as they are (lib/wasm/wasm-core-impl.ts, loadFile in wasm-utils-load-file.ts returns a Uint8Array
// unchanged), and the runtime's loader (the EM_ASM in dist/ort-wasm-simd-threaded*.mjs) reads, for each
// external tensor, `file.byteLength` and `file.subarray(offset, offset + length)`, copies that view into the
// WASM heap or a GPU buffer before it returns, and reports an error for the session if anything throws. The
// file is unmounted when the session exists. Tensors are read in no particular order and a few are read twice
// (see ExternalTensor.readMoreThanOnce), so a piece goes only once every tensor in it has been read; a read of
// a piece already let go fails session creation, and createSessionFromSource retries keeping everything.
import type { ExternalTensor } from '../model/onnx/external-tensors';
import type { ModelGraph, ModelGraphOptions } from './model-source';

/** Tensors at least this large get a piece of their own; smaller neighbours share one up to this size. */
const PIECE_BYTES = 4 * 1024 * 1024;

interface Piece {
  start: number;
  end: number;
  bytes: Uint8Array | undefined;
  /**
   * Reads still expected, by tensor offset: one per tensor, so a region two initializers name (the q4 graph's
   * tied embedding and LM head) is kept for both. The piece goes once none is left, unless `keep`.
   */
  unread: Map<number, number>;
  keep: boolean;
  released: boolean;
}

export interface PieceRange {
  start: number;
  end: number;
}

/** Groups a file's tensors into the ranges read as one piece each, in file order. */
export function pieceRanges(tensors: readonly ExternalTensor[], fileSize: number, pieceBytes = PIECE_BYTES): Array<PieceRange & { tensors: ExternalTensor[] }> {
  const sorted = [...tensors].sort((a, b) => a.offset - b.offset);
  const ranges: Array<PieceRange & { tensors: ExternalTensor[] }> = [];
  for (const tensor of sorted) {
    const end = tensor.length < 0 ? fileSize : tensor.offset + tensor.length;
    if (end > fileSize) throw new Error(`The model's tensor ${tensor.name} lies past the end of ${tensor.location}.`);
    const last = ranges.at(-1);
    // Overlapping tensors (one file region named twice) share a piece; so do small neighbours, up to pieceBytes.
    const overlaps = last !== undefined && tensor.offset < last.end;
    const fits = last !== undefined && last.end - last.start < pieceBytes && end - last.start <= pieceBytes;
    if (last && (overlaps || fits)) {
      last.end = Math.max(last.end, end);
      last.tensors.push(tensor);
    } else ranges.push({ start: tensor.offset, end, tensors: [tensor] });
  }
  return ranges;
}

export class TensorByTensorFile extends Uint8Array {
  readonly #size: number;
  readonly #pieces: Piece[];
  /** The piece last read: let go of at the next read (ORT is done copying it by then) or at releaseAll. */
  #served: Piece | undefined;
  /** Set when ORT asked again for bytes already let go: session creation failed for that reason. */
  readAfterRelease = false;

  constructor(size: number, pieces: ReadonlyArray<PieceRange & { bytes: Uint8Array; tensors: readonly ExternalTensor[] }>, keepEverything: boolean) {
    super(0);
    this.#size = size;
    this.#pieces = pieces.map((p) => ({
      start: p.start,
      end: p.end,
      bytes: p.bytes,
      unread: p.tensors.reduce((reads, t) => reads.set(t.offset, (reads.get(t.offset) ?? 0) + 1), new Map<number, number>()),
      keep: keepEverything || p.tensors.some((t) => t.readMoreThanOnce),
      released: false,
    }));
  }

  override get byteLength(): number {
    return this.#size;
  }

  override get length(): number {
    return this.#size;
  }

  override subarray(begin = 0, end = this.#size): Uint8Array<ArrayBuffer> {
    this.#releaseServed();
    const piece = this.#pieceHolding(begin, end);
    if (!piece) throw new RangeError(`No tensor of this file lies at bytes ${begin}–${end}.`);
    if (!piece.bytes) {
      this.readAfterRelease = true;
      throw new RangeError(`Bytes ${begin}–${end} were read before and already let go.`);
    }
    const view = piece.bytes.subarray(begin - piece.start, end - piece.start) as Uint8Array<ArrayBuffer>;
    const reads = piece.unread.get(begin);
    if (reads !== undefined) {
      if (reads > 1) piece.unread.set(begin, reads - 1);
      else piece.unread.delete(begin);
    }
    if (piece.unread.size === 0 && !piece.keep) this.#served = piece;
    return view;
  }

  /** Lets go of every piece; the file is empty afterwards. */
  releaseAll(): void {
    this.#served = undefined;
    for (const piece of this.#pieces) release(piece);
  }

  #releaseServed(): void {
    if (this.#served) release(this.#served);
    this.#served = undefined;
  }

  #pieceHolding(begin: number, end: number): Piece | undefined {
    let low = 0;
    let high = this.#pieces.length - 1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      const piece = this.#pieces[mid]!;
      if (begin < piece.start) high = mid - 1;
      else if (begin >= piece.end) low = mid + 1;
      else return end <= piece.end ? piece : undefined;
    }
    return undefined;
  }
}

function release(piece: Piece): void {
  if (piece.released) return;
  piece.released = true;
  const buffer = piece.bytes?.buffer;
  piece.bytes = undefined;
  // Detaching frees the memory now instead of at the next full garbage collection, which may not come while
  // ORT is busy creating the session. Each piece owns its buffer (read on its own), so nothing else sees it go.
  if (!(buffer instanceof ArrayBuffer)) return;
  const transferable = buffer as ArrayBuffer & { transfer?(length: number): ArrayBuffer };
  if (transferable.transfer) transferable.transfer(0);
  else structuredClone(buffer, { transfer: [buffer] });
}

/**
 * Reads a graph and creates its session; when ORT read a tensor again after its piece was let go, reads the
 * graph once more keeping every piece until the session exists, and creates it again. Pieces are let go of
 * once the session exists or creation failed.
 */
export async function createSessionFromSource<S>(
  graphOf: (options: ModelGraphOptions) => Promise<ModelGraph>,
  create: (graph: ModelGraph) => Promise<S>,
): Promise<S> {
  const graph = await graphOf({});
  try {
    return await create(graph);
  } catch (error) {
    if (!graph.externalData.some((piece) => piece.data instanceof TensorByTensorFile && piece.data.readAfterRelease)) throw error;
  } finally {
    releasePieces(graph);
  }
  const again = await graphOf({ keepEveryTensor: true });
  try {
    return await create(again);
  } finally {
    releasePieces(again);
  }
}

function releasePieces(graph: ModelGraph): void {
  for (const piece of graph.externalData) if (piece.data instanceof TensorByTensorFile) piece.data.releaseAll();
}
