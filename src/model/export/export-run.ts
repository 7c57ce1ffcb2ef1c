// Places an export's job outputs in data files, in the order the jobs finish when the checkpoint is read as
// stored, and runs the jobs as the checkpoint's tensors arrive in that order. Shared by the Node exporter
// (files on disk) and the browser's converter (a checkpoint streaming from the hub into IndexedDB).
import type { JobOutput, WeightJob } from './weight-jobs';

export interface DataFile {
  /** As the graph names it: `model_<dtype>.onnx_data`, `…_data_1`, … */
  name: string;
  size: number;
}

export interface ExportLayout {
  /** Jobs in the order they finish; their outputs follow each other in the data files in this order. */
  jobs: WeightJob[];
  dataFiles: DataFile[];
  /** Where each job's outputs start in the stream of all data files, one after the other. */
  jobOffsets: number[];
  totalBytes: number;
}

/** External data files stay below 2 GB (browsers cap single buffers there): the Node exporter and the browser's converter both use it, so their output is the same bytes. */
export const DATA_FILE_BYTES = 2_000_000_000;

/**
 * Orders `jobs` by the stream position of their last input (`position` gives a checkpoint tensor's index in the
 * order the checkpoint stores them; computed tables come first), graph order among equals, and places their
 * outputs one after the other in data files of at most `chunkBytes` (a tensor never straddles two files; one
 * larger than a chunk gets a file of its own). Fills in each output's `external`.
 */
export function layoutExport(jobs: readonly WeightJob[], position: (input: string) => number, dataName: string, chunkBytes: number): ExportLayout {
  const finish = new Map(jobs.map((job) => [job, Math.max(-1, ...job.inputs.map((input) => position(input.name)))]));
  const ordered = [...jobs].sort((a, b) => finish.get(a)! - finish.get(b)! || a.index - b.index);
  const dataFiles: DataFile[] = [];
  const jobOffsets: number[] = [];
  let stream = 0;
  for (const job of ordered) {
    jobOffsets.push(stream);
    for (const output of job.outputs) {
      const file = dataFiles.at(-1);
      if (!file || (file.size > 0 && file.size + output.byteLength > chunkBytes)) {
        dataFiles.push({ name: dataFiles.length === 0 ? dataName : `${dataName}_${dataFiles.length}`, size: 0 });
      }
      const current = dataFiles.at(-1)!;
      output.external.location = current.name;
      output.external.offset = current.size;
      current.size += output.byteLength;
      stream += output.byteLength;
    }
  }
  return { jobs: ordered, dataFiles, jobOffsets, totalBytes: stream };
}

export interface PlacedBytes {
  output: JobOutput;
  bytes: Uint8Array;
}

/**
 * Runs the jobs of `layout` as checkpoint tensors are fed in stream order, from job `fromJob` on (a resumed
 * run: the jobs before it already wrote their outputs). `feed` takes one stored tensor as the job inputs it
 * holds (one, or a fused tensor's slices) and returns the outputs finished by it, in layout order.
 */
export class ExportRun {
  private readonly readers = new Map<string, WeightJob[]>();
  private readonly running = new Map<WeightJob, ReturnType<WeightJob['start']>>();
  private readonly rank = new Map<WeightJob, number>();
  private finishedJobs: number;

  constructor(
    private readonly layout: ExportLayout,
    fromJob = 0,
  ) {
    this.finishedJobs = fromJob;
    layout.jobs.forEach((job, i) => {
      this.rank.set(job, i);
      if (i < fromJob) return;
      for (const input of job.inputs) this.readers.set(input.name, [...(this.readers.get(input.name) ?? []), job]);
    });
  }

  /** Jobs whose outputs are complete: a resumed run starts from here. */
  get jobsDone(): number {
    return this.finishedJobs;
  }

  /** No job holds part of its inputs: the run can be restarted from the next stored tensor. */
  get quiet(): boolean {
    return this.running.size === 0;
  }

  /** The outputs of computed tables (jobs with no inputs) that come first in the layout. */
  start(): PlacedBytes[] {
    const first: WeightJob[] = [];
    for (const job of this.layout.jobs.slice(this.finishedJobs)) {
      if (job.inputs.length > 0) break;
      first.push(job);
    }
    return this.emit(first.map((job) => ({ job, bytes: job.start().finish!() })));
  }

  feed(inputs: ReadonlyArray<{ name: string; values: Float32Array }>): PlacedBytes[] {
    const finished: Array<{ job: WeightJob; bytes: Uint8Array[] }> = [];
    for (const { name, values } of inputs) {
      for (const job of this.readers.get(name) ?? []) {
        let run = this.running.get(job);
        if (!run) this.running.set(job, (run = job.start()));
        const bytes = run.take(name, values);
        if (bytes) {
          this.running.delete(job);
          finished.push({ job, bytes });
        }
      }
    }
    return this.emit(finished.sort((a, b) => this.rank.get(a.job)! - this.rank.get(b.job)!));
  }

  private emit(finished: Array<{ job: WeightJob; bytes: Uint8Array[] }>): PlacedBytes[] {
    const placed: PlacedBytes[] = [];
    for (const { job, bytes } of finished) {
      if (this.rank.get(job) !== this.finishedJobs) throw new Error(`export job ${job.index} finished out of its planned order`);
      this.finishedJobs++;
      job.outputs.forEach((output, i) => {
        const piece = bytes[i];
        if (!piece || piece.byteLength !== output.byteLength) throw new Error(`${output.name}: ${piece?.byteLength ?? 0} bytes, planned ${output.byteLength}`);
        placed.push({ output, bytes: piece });
      });
    }
    return placed;
  }
}
