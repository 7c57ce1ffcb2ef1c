/** One benchmark figure as `bench/results/latest.json` records it (DESIGN.md "Benchmarks"). */
export interface Figure {
  name: string;
  value: number;
  unit: string;
  /** The same quantity for the baseline measured in the same run (e.g. onnxruntime-node on the same file). */
  baseline: number;
  /** value / baseline, or whichever way round the figure's name says; see `notes`. */
  ratio: number;
  notes: string;
}

/** A benchmark module: `bench/<area>.bench.ts` default-exports one of these. */
export interface Benchmark {
  /** Figures it produces, e.g. ['store.download_ratio']; `npm run bench -- store` runs those whose name matches. */
  name: string;
  run(): Promise<Figure[]>;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
