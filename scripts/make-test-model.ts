// npm run make-test-model -- --preset tiny-moe|tiny-dense|lfm2.5-1.2b|lfm2.5-8b-a1b --out DIR [--dtype q4f16,q4] [--chunk-mb N]
import { parseArgs } from 'node:util';
import { EXPORT_DTYPES, type ExportDtype } from '../src/model/export-dtype';
import { PRESETS, type PresetName } from './export/presets';
import { makeTestModel } from './export/test-models';

const { values } = parseArgs({ options: { preset: { type: 'string' }, out: { type: 'string' }, dtype: { type: 'string', default: 'q4f16,q4' }, 'chunk-mb': { type: 'string' } } });
if (!values.preset || !(values.preset in PRESETS) || !values.out) {
  throw new Error(`usage: npm run make-test-model -- --preset ${Object.keys(PRESETS).join('|')} --out DIR [--dtype q4f16,q4]`);
}
const dtypes = values.dtype.split(',') as ExportDtype[];
for (const d of dtypes) if (!EXPORT_DTYPES.includes(d)) throw new Error(`unknown dtype ${d}`);
makeTestModel(values.preset as PresetName, values.out, dtypes, values['chunk-mb'] ? Number(values['chunk-mb']) * 1024 * 1024 : undefined);
console.log(`wrote ${values.preset} to ${values.out}`);
