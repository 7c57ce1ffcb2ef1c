import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Benchmark, Figure } from './figure';

/**
 * `npm run bench [-- filter]`: runs every `bench/*.bench.ts` (or those whose name contains `filter`)
 * and writes all figures to `bench/results/latest.json`.
 */
const dir = import.meta.dirname;
const filter = process.argv[2] ?? '';

const files = (await readdir(dir)).filter((file) => file.endsWith('.bench.ts')).sort();
const figures: Figure[] = [];
for (const file of files) {
  const bench = ((await import(resolve(dir, file))) as { default: Benchmark }).default;
  if (filter && !bench.name.includes(filter)) continue;
  console.log(`# ${bench.name}`);
  const produced = await bench.run();
  for (const figure of produced) console.log(`${figure.name}: ${figure.value} ${figure.unit} (baseline ${figure.baseline}, ratio ${figure.ratio.toFixed(3)}) ${figure.notes}`);
  figures.push(...produced);
}
await mkdir(resolve(dir, 'results'), { recursive: true });
await writeFile(resolve(dir, 'results/latest.json'), `${JSON.stringify(figures, null, 2)}\n`);
console.log(`wrote ${figures.length} figures to bench/results/latest.json`);
