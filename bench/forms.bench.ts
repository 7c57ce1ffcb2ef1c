import type { Page } from 'playwright-core';
import { ChatFormat } from '../src/engine/chat-format';
import type { FormListing } from '../src/protocol';
import { EMPTY_PROFILE } from '../src/protocol';
import { FILL_INSTRUCTIONS, fillMessage } from '../src/tasks/fill/fill-prompts';
import { fillTools } from '../src/tasks/fill/fill-tools';
import { groupFields } from '../src/tasks/fill/split-fields';
import { ensureTestModel } from '../scripts/export/test-models';
import { startPageServer } from '../scripts/lib/page-server';
import { callEngine, openActiveTab } from '../test/e2e/harness/engine-client';
import { launchExtension } from '../test/e2e/harness/launch-extension';
import { FolderModelSource } from '../test/support/folder-model-source';
import { median, type Benchmark, type Figure } from './figure';

/**
 * Form figures, from the built extension on a 300-field page (a long application: text inputs with labels,
 * selects with a dozen options, radio groups, checkboxes, split dates, in fieldsets under headings):
 * - collect_ms_per_100_fields: main-thread milliseconds the page side spent listing (its own measure), per 100
 *   fields; the `fill.collect` round trip from a UI page is given beside it;
 * - longest_task_ms: the longest the page's main thread was held while being listed (long-task entries, and the
 *   largest gap between zero-delay timers);
 * - prompt_tokens_per_field: the planning prompt's tokens (instructions, tools with their id lists, the fields)
 *   with the page's fields over the same prompt with none, per field, on the test tokenizer (byte-level: a real
 *   tokenizer needs fewer); baseline: the same fields listed as JSON objects, as a naive prompt would.
 */
function bigForm(): string {
  const rows: string[] = [];
  let n = 0;
  const months = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
  for (let section = 1; n < 300; section++) {
    rows.push(`<fieldset><legend>Section ${section}: family member ${section}</legend>`);
    rows.push(`<label for="g${section}">Given name</label><input id="g${section}" name="member${section}_given" maxlength="60" required>`); n++;
    rows.push(`<label for="f${section}">Family name</label><input id="f${section}" name="member${section}_family" maxlength="60">`); n++;
    rows.push(`<label for="r${section}">Relationship to you</label><select id="r${section}" name="member${section}_relation"><option value="">Choose</option>${['Spouse', 'Child', 'Parent', 'Sibling', 'Grandparent', 'Other'].map((r) => `<option>${r}</option>`).join('')}</select>`); n++;
    rows.push(`<div class="dob"><span>Date of birth</span> <input name="member${section}_dob_day" maxlength="2" placeholder="DD" aria-label="Day"> <select name="member${section}_dob_month" aria-label="Month"><option value="">Month</option>${months.map((m, i) => `<option value="${i + 1}">${m}</option>`).join('')}</select> <input name="member${section}_dob_year" maxlength="4" placeholder="YYYY" aria-label="Year"></div>`); n += 3;
    rows.push(`<p>Travelling with you?</p><label><input type="radio" name="member${section}_travels" value="yes"> Yes</label><label><input type="radio" name="member${section}_travels" value="no"> No</label>`); n++;
    rows.push(`<label for="p${section}">Passport number</label><input id="p${section}" name="member${section}_passport" pattern="[A-Z][0-9]{7}">`); n++;
    rows.push(`<label><input type="checkbox" name="member${section}_consent"> I confirm these details</label>`); n++;
    rows.push(`<label for="n${section}">Notes</label><textarea id="n${section}" name="member${section}_notes"></textarea></fieldset>`); n++;
  }
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Family visa application</title><style>label, legend { display: block }</style></head><body><h1>Family visa application</h1><form>${rows.join('\n')}</form></body></html>`;
}

const round = (x: number, digits = 3) => Number(x.toFixed(digits));

async function roundTrip(ui: Page, command: string): Promise<{ ms: number; result: unknown }> {
  const t0 = performance.now();
  const outcome = await callEngine(ui, command, {});
  if (!outcome.ok) throw new Error(`${command}: ${JSON.stringify(outcome.error)}`);
  return { ms: performance.now() - t0, result: outcome.result };
}

const bench: Benchmark = {
  name: 'forms.collect_ms_per_100_fields forms.longest_task_ms forms.prompt_tokens_per_field',
  async run(): Promise<Figure[]> {
    const pages = await startPageServer({ '/form.html': bigForm() });
    const ext = await launchExtension();
    try {
      const ui = await ext.openExtensionPage('ui/popup/popup.html');
      const tab = await openActiveTab(ext, `${pages.origin}/form.html`);
      // Two watches of the page's main thread: long-task entries, and the largest gap between zero-delay timers
      // (the content script's work does not always show as the page's long tasks; a blocked thread delays timers either way).
      await tab.evaluate(`(() => {
        window.__longest = 0; window.__tasks = 0; window.__gap = 0;
        new PerformanceObserver((list) => { for (const e of list.getEntries()) { window.__tasks++; window.__longest = Math.max(window.__longest, e.duration); } }).observe({ type: 'longtask' });
        let last = performance.now();
        const tick = () => { const now = performance.now(); window.__gap = Math.max(window.__gap, now - last); last = now; if (!window.__stop) setTimeout(tick, 0); };
        setTimeout(tick, 0);
      })()`);
      const collect: number[] = [];
      const listedMs: number[] = [];
      const ping: number[] = [];
      let listing: FormListing | undefined;
      for (let rep = 0; rep < 7; rep++) {
        ping.push((await roundTrip(ui, 'tab.describe-active')).ms);
        const listed = await roundTrip(ui, 'fill.collect');
        collect.push(listed.ms);
        listing = (listed.result as { listing: FormListing }).listing;
        listedMs.push(listing.collectMs);
      }
      const [longTask, longTasks, gap] = (await tab.evaluate(`(window.__stop = true, [window.__longest, window.__tasks, window.__gap])`)) as [number, number, number];
      const longest = Math.max(longTask, gap);
      const fields = listing!.fields.length;
      const perHundred = median(listedMs) / (fields / 100);

      const chat = new ChatFormat(await new FolderModelSource(ensureTestModel('tiny-dense').dir).files());
      const promptTokens = (list: FormListing['fields']): number => {
        const logical = groupFields(list);
        const registry = fillTools(logical, { proposals: new Map(), refused: [], questions: [] });
        return chat.prompt([FILL_INSTRUCTIONS, fillMessage(listing!.title, logical.map((field) => ({ field })), EMPTY_PROFILE, '')], registry.definitions()).length;
      };
      const ours = (promptTokens(listing!.fields) - promptTokens([])) / fields;
      const naive = listing!.fields.reduce((sum, field) => sum + chat.encode(JSON.stringify(field)).length, 0) / fields;
      return [
        { name: 'forms.collect_ms_per_100_fields', value: round(perHundred, 2), unit: 'ms', baseline: 50, ratio: round(perHundred / 50), notes: `${fields} fields listed (of a page with 300: inputs, selects, radio groups, checkboxes, split dates in 30 fieldsets) in a median of ${round(median(listedMs), 1)} ms of the page's main thread (7 listings, the page side's own measure); the whole fill.collect round trip from a UI page took ${round(median(collect), 1)} ms (an empty round trip to the same content script: ${round(median(ping), 1)} ms); baseline: 50 ms per 100 fields, for scale` },
        { name: 'forms.longest_task_ms', value: round(longest, 1), unit: 'ms', baseline: 50, ratio: round(longest / 50), notes: `the longer of the page's longest long-task entry (${round(longTask, 1)} ms, ${longTasks} entries over 50 ms) and the largest gap between its zero-delay timers (${round(gap, 1)} ms) over 7 listings of the 300-field page, listed in slices of at most 8 ms; baseline is the target` },
        { name: 'forms.prompt_tokens_per_field', value: round(ours, 1), unit: 'tokens', baseline: round(naive, 1), ratio: round(ours / naive), notes: `planning prompt (instructions, tools with their id enumerations, form and field lines, empty profile) with the ${fields} listed fields less the same prompt with none, per field, on the test models' byte-level tokenizer; baseline: each listed field as a JSON object` },
      ];
    } finally {
      await ext.close();
      await pages.close();
    }
  },
};

export default bench;
