import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Benchmark, Figure } from './figure';

/**
 * `npm run bench [-- filter]`: runs every `bench/*.bench.ts` (or those whose name contains `filter`) and
 * records their figures in `bench/results/latest.json`. A filtered run replaces only the figures it
 * produced, so `npm run bench -- store` keeps the engine's figures from an earlier run.
 */
const dir = import.meta.dirname;
const filter = process.argv[2] ?? '';
const resultsFile = resolve(dir, 'results/latest.json');

const files = (await readdir(dir)).filter((file) => file.endsWith('.bench.ts')).sort();
const produced: Figure[] = [];
for (const file of files) {
  const bench = ((await import(resolve(dir, file))) as { default: Benchmark }).default;
  if (filter && !bench.name.includes(filter)) continue;
  console.log(`# ${bench.name}`);
  const figures = await bench.run();
  for (const figure of figures) console.log(`${figure.name}: ${figure.value} ${figure.unit} (baseline ${figure.baseline}, ratio ${figure.ratio.toFixed(3)}) ${figure.notes}`);
  produced.push(...figures);
}

const earlier = filter ? await readFigures(resultsFile) : [];
const names = new Set(produced.map((figure) => figure.name));
const merged = [...earlier.filter((figure) => !names.has(figure.name)), ...produced].sort((a, b) => a.name.localeCompare(b.name));
await mkdir(resolve(dir, 'results'), { recursive: true });
await writeFile(resultsFile, `${JSON.stringify(merged, null, 2)}\n`);
console.log(`wrote ${produced.length} new figures (${merged.length} in all) to bench/results/latest.json`);

async function readFigures(path: string): Promise<Figure[]> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as Figure[];
  } catch {
    return [];
  }
}
