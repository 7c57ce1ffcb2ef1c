import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { zipSync, type Zippable } from 'fflate';

/**
 * `npm run zip`: packs dist/ into `pagewise-<version>.zip` for the Chrome Web Store. Source maps stay out
 * of the store package (they are for local debugging and double the size).
 */
const root = resolve(import.meta.dirname, '..');
const dist = resolve(root, 'dist');
const { version } = JSON.parse(readFileSync(join(dist, 'manifest.json'), 'utf8')) as { version: string };

function collect(dir: string, into: Zippable): void {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) collect(path, into);
    else if (!name.endsWith('.map')) into[relative(dist, path)] = [readFileSync(path), { level: name.endsWith('.wasm') ? 9 : 6 }];
  }
}

const files: Zippable = {};
collect(dist, files);
const out = resolve(root, `pagewise-${version}.zip`);
writeFileSync(out, zipSync(files));
console.log(`wrote ${relative(root, out)} (${Object.keys(files).length} files, ${(statSync(out).size / 2 ** 20).toFixed(1)} MiB)`);
