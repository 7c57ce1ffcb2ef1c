// npm run eval -- translate --model <folder> --source F --reference F --pair en-hi [--dtype int8] [--batch 8] [--limit N]
// Translates a parallel test set (one sentence a line, as FLORES-200 lays it out) with a model folder in the hub
// layout (one this project's exporter wrote, or a model you exported from your own weights) and prints chrF++,
// the share of output letters in the target script and the share of lines returned untranslated.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { evaluateTranslation } from './eval/translate-eval';

const [task, ...rest] = process.argv.slice(2);
if (task !== 'translate') {
  console.error('Usage: npm run eval -- translate --model <folder> --source <file> --reference <file> --pair <from>-<to> [--dtype int8|q4|fp32] [--batch 8] [--limit N]');
  process.exit(2);
}
const { values } = parseArgs({
  args: rest,
  options: { model: { type: 'string' }, source: { type: 'string' }, reference: { type: 'string' }, pair: { type: 'string' }, dtype: { type: 'string' }, batch: { type: 'string' }, limit: { type: 'string' }, out: { type: 'string' } },
});
const fail = (message: string): never => {
  console.error(message);
  process.exit(2);
};
const model = values.model ?? fail('--model: a folder with config.json, the tokenizer files and onnx/model_<dtype>.onnx.');
if (!existsSync(join(model, 'config.json'))) {
  fail(`${model} is not a model folder (no config.json). A model cached inside the extension lives in the browser's own storage; point --model at the folder you imported or exported instead.`);
}
const [from, to] = (values.pair ?? fail('--pair: the languages, like en-hi.')).split('-');
if (!from || !to) fail('--pair takes two language codes joined by "-", like en-hi.');
const graphs = readdirSync(join(model, 'onnx')).map((f) => /^model_(.+)\.onnx$/.exec(f)?.[1]).filter((d): d is string => !!d);
const dtype = values.dtype ?? ['int8', 'q4', 'fp32', 'q4f16'].find((d) => graphs.includes(d)) ?? fail(`No graph in ${model}/onnx (found: ${graphs.join(', ') || 'none'}).`);

const result = await evaluateTranslation({
  model,
  dtype,
  source: values.source ?? fail('--source: the source sentences, one a line.'),
  reference: values.reference ?? fail('--reference: the reference translations, one a line.'),
  from: from!,
  to: to!,
  ...(values.batch ? { batch: Number(values.batch) } : {}),
  ...(values.limit ? { limit: Number(values.limit) } : {}),
});
console.log(`pair ${from}-${to}, ${result.lines} lines, model ${model} (${dtype}), ${result.seconds.toFixed(1)} s`);
console.log(`chrF++ ${result.chrfPlusPlus.toFixed(2)}`);
console.log(`target-script share ${(100 * result.targetScriptShare).toFixed(1)}%`);
console.log(`untranslated share ${(100 * result.untranslatedShare).toFixed(1)}% (${result.failed} lines failed every attempt)`);
