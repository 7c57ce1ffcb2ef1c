// Form filling in the built extension, driven through the worker's and the host's commands as the side panel
// drives them, on pages served on 127.0.0.1. The model is a scripted test model (scripts/export/scripted-model.ts):
// a real ONNX graph in the real engine whose answers are fixed text, so its tool calls go through the engine's
// own parser, the fill tools' schemas and checks, and the page side's checks exactly as a real model's would.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ensureScriptedModel, SCRIPTED_DTYPE } from '../../scripts/export/scripted-model';
import { startPageServer, type PageServer, type Route } from '../../scripts/lib/page-server';
import type { FieldOutcome, FillPlan, FormListing, Profile } from '../../src/protocol';
import { callEngine, openActiveTab } from './harness/engine-client';
import { launchExtension, type LaunchedExtension } from './harness/launch-extension';
import { storeModelFolder } from './harness/store-pages';

const ROOT = join(import.meta.dirname, '../..');
const fixture = (name: string): string => readFileSync(join(ROOT, 'test/fixtures/pages', name), 'utf8');
const vendor: Route = (req, res) => {
  const files: Record<string, string> = {
    '/vendor/react.js': 'node_modules/react/umd/react.production.min.js',
    '/vendor/react-dom.js': 'node_modules/react-dom/umd/react-dom.production.min.js',
    '/vendor/vue.js': 'node_modules/vue/dist/vue.global.prod.js',
  };
  const file = files[req.url ?? ''];
  if (!file) return false;
  res.writeHead(200, { 'content-type': 'text/javascript' });
  res.end(readFileSync(join(ROOT, file)));
};

const PROFILE: Profile = {
  givenName: 'Priya',
  additionalName: '',
  familyName: 'Sharma',
  email: 'priya@example.in',
  phone: '+1 415 555 0134',
  birthDate: '1990-07-21',
  organization: '',
  jobTitle: '',
  addresses: [{ label: 'Home', line1: '12 Lodhi Road', line2: '', city: 'New Delhi', region: 'Delhi', postalCode: '110003', country: 'India' }],
  extras: [],
  notes: '',
};

const CALL = (calls: string): string => `<|tool_call_start|>[${calls}]<|tool_call_end|>`;

/** Values of the page's fields by CSS selector (in frames and shadow roots too, through the page's own handles). */
const valuesOf = (page: Page, selectors: string[]): Promise<Record<string, string | boolean>> =>
  page.evaluate((selectors) => {
    const out: Record<string, string | boolean> = {};
    for (const selector of selectors) {
      const element = document.querySelector(selector) as HTMLInputElement | null;
      out[selector] = element ? (element.type === 'checkbox' ? element.checked : element.value) : '(missing)';
    }
    return out;
  }, selectors);

describe('fill forms', () => {
  let ext: LaunchedExtension;
  let pages: PageServer;
  let ui: Page;

  async function command<T>(name: string, payload: unknown): Promise<T> {
    const outcome = await callEngine(ui, name, payload);
    expect(outcome, JSON.stringify(outcome)).toMatchObject({ ok: true });
    return (outcome as { result: T }).result;
  }

  /** Stores a scripted model (answers by the number of <|im_start|> in the prompt) and makes it the one used. */
  async function useScript(scripts: Record<number, string>): Promise<void> {
    const modelId = await storeModelFolder(ui, ensureScriptedModel(scripts), SCRIPTED_DTYPE, 'wasm');
    await command('engine.load', { modelId });
  }

  async function listFields(path: string): Promise<{ tab: Page; tabId: number; listing: FormListing }> {
    const tab = await openActiveTab(ext, `${pages.origin}${path}`);
    const { tabId, listing } = await command<{ tabId: number; listing: FormListing }>('fill.collect', {});
    return { tab, tabId, listing };
  }

  const plan = (listing: FormListing, instruction = '', allowSensitive = false, profile = PROFILE) => command<FillPlan>('fill.plan', { listing, profile, instruction, allowSensitive });
  const apply = (tabId: number, filled: FillPlan, allowSensitive = false) =>
    command<{ outcomes: FieldOutcome[] }>('fill.apply', { tabId, writes: filled.proposals.flatMap((p) => p.writes), allowSensitive });

  beforeAll(async () => {
    pages = await startPageServer(
      {
        '/checkout.html': fixture('fill-checkout.html'),
        '/frameworks.html': fixture('fill-frameworks.html'),
        '/scripts.html': fixture('fill-scripts.html'),
        '/fill-hidden-places.html': fixture('fill-hidden-places.html'),
        '/fill-frame.html': fixture('fill-frame.html'),
        '/steps.html': fixture('fill-steps.html'),
        '/hostile.html': fixture('fill-hostile.html'),
        '/honeypots.html': fixture('fill-honeypots.html'),
      },
      [vendor],
    );
    ext = await launchExtension();
    ui = await ext.openExtensionPage('ui/popup/popup.html');
  }, 240_000);

  afterAll(async () => {
    await ext?.close();
    await pages?.close();
  });

  test('a checkout form: the profile fills what the rules recognise, the model the rest from the instruction; preview, apply, nothing submitted, undo exact', async () => {
    await useScript({
      3: `<think>Her mother is travelling, so her name and birth date replace the profile's.</think>${CALL("fill_field(id='f1', value='Sita'), fill_field(id='f7', value='1961-03-03'), choose_option(id='f11', option='India'), fill_field(id='f12', value='Please ring twice'), set_checked(id='f13', checked=False)")}`,
      9: 'I filled in the form for Sita Sharma.',
    });
    const { tab, tabId, listing } = await listFields('/checkout.html');
    // Honeypots (off-screen, a 1px speck, aria-hidden), hidden, disabled and read-only fields are not listed.
    expect(listing.fields.map((f) => f.name)).toEqual(['first_name', 'last_name', 'email', 'phone_area', 'phone_prefix', 'phone_line', 'dob_day', 'dob_month', 'dob_year', 'country', 'birth_country', 'notes', 'newsletter', 'password']);
    expect(listing.fields.find((f) => f.name === 'password')).toMatchObject({ sensitive: true, type: 'password' });
    expect(listing.fields.find((f) => f.name === 'phone_prefix')?.label).toBe('Phone');
    expect(listing.fields.find((f) => f.name === 'dob_month')?.options?.[3]).toEqual({ value: '3', text: 'March' });
    expect(listing.title).toBe('Checkout');

    const filled = await plan(listing, 'My mother is travelling: Sita Sharma, born 3 March 1961 in India.');
    const byField = Object.fromEntries(filled.proposals.map((p) => [p.fieldId, p]));
    expect(byField['f1']).toMatchObject({ shown: 'Sita', source: 'model' });
    expect(byField['f2']).toMatchObject({ shown: 'Sharma', source: 'profile' });
    expect(byField['f3']).toMatchObject({ shown: 'priya@example.in', source: 'profile' });
    expect(byField['f4']?.writes).toEqual([{ id: 'f4', value: '415' }, { id: 'f5', value: '555' }, { id: 'f6', value: '0134' }]);
    expect(byField['f7']?.writes).toEqual([{ id: 'f7', value: '03' }, { id: 'f8', value: '3' }, { id: 'f9', value: '1961' }]);
    expect(byField['f10']).toMatchObject({ writes: [{ id: 'f10', value: 'IN' }], source: 'profile' });
    expect(byField['f11']?.writes).toEqual([{ id: 'f11', value: 'India' }]);
    expect(byField['f13']?.writes).toEqual([{ id: 'f13', checked: false }]);
    expect(byField['f14']).toBeUndefined();
    expect(filled.refused).toEqual([]);
    expect(filled.answer).toBe('I filled in the form for Sita Sharma.');
    expect(filled.steps).toBe(2);

    const before = await tab.evaluate(() => document.getElementById('checkout')!.outerHTML); // eslint-disable-line no-restricted-properties -- comparing markup
    const { shown } = await command<{ shown: number }>('fill.preview', { tabId, marks: filled.proposals.map(({ fieldId }, i) => ({ fieldId, number: i + 1 })) });
    expect(shown).toBe(filled.proposals.length);
    // The page could read text in our layer back (window.find): it gets numbers, never the values.
    expect(await tab.evaluate(() => { const find = (window as unknown as { find: (text: string) => boolean }).find; return find('priya@example.in') || find('Sita'); })).toBe(false);
    // Marks live in Pagewise's own layer: the form itself is untouched until apply.
    expect(await tab.evaluate(() => document.querySelectorAll('pagewise-fill-marks').length)).toBe(1);
    expect(await tab.evaluate(() => document.getElementById('checkout')!.outerHTML)).toBe(before); // eslint-disable-line no-restricted-properties -- comparing markup

    const { outcomes } = await apply(tabId, filled);
    expect(outcomes.filter((o) => o.outcome !== 'written'), JSON.stringify(outcomes)).toEqual([]);
    expect(await tab.evaluate(() => document.querySelectorAll('pagewise-fill-marks').length)).toBe(0);
    const selectors = ['#first', '#last', '[name=email]', '[name=phone_area]', '[name=phone_prefix]', '[name=phone_line]', '[name=dob_day]', '[name=dob_month]', '[name=dob_year]', '#country', '#birth-country', '#notes', '[name=newsletter]', '#pw'];
    expect(await valuesOf(tab, selectors)).toEqual({
      '#first': 'Sita', '#last': 'Sharma', '[name=email]': 'priya@example.in', '[name=phone_area]': '415', '[name=phone_prefix]': '555', '[name=phone_line]': '0134',
      '[name=dob_day]': '03', '[name=dob_month]': '3', '[name=dob_year]': '1961', '#country': 'IN', '#birth-country': 'India', '#notes': 'Please ring twice', '[name=newsletter]': false, '#pw': '',
    });
    expect(await tab.evaluate(() => (window as unknown as { __submitted: number }).__submitted)).toBe(0);

    const undone = await command<{ outcomes: FieldOutcome[] }>('fill.undo', { tabId });
    expect(undone.outcomes.every((o) => o.outcome === 'restored'), JSON.stringify(undone.outcomes)).toBe(true);
    expect(await valuesOf(tab, selectors)).toEqual({
      '#first': '', '#last': '', '[name=email]': '', '[name=phone_area]': '', '[name=phone_prefix]': '', '[name=phone_line]': '',
      '[name=dob_day]': '', '[name=dob_month]': '', '[name=dob_year]': '', '#country': '', '#birth-country': '', '#notes': '', '[name=newsletter]': true, '#pw': '',
    });
    await tab.close();
  });

  test('hostile calls and a hostile page: unlisted ids, a password, an over-long value, a missing option are refused; a replaced field, a field the user typed in and a wiping script are reported; nothing else changes', async () => {
    await useScript({
      3: CALL("fill_field(id='f99', value='x')"),
      5: CALL(`fill_field(id='f4', value='hunter2'), fill_field(id='f1', value='${'A'.repeat(25)}'), choose_option(id='f5', option='Atlantis'), fill_field(id='f6', value='Bee'), fill_field(id='f7', value='Chiang Mai')`),
      11: 'Some fields could not be filled.',
    });
    const { tab, tabId, listing } = await listFields('/hostile.html');
    expect(listing.fields.map((f) => f.name)).toEqual(['given', 'family', 'email', 'pw', 'country', 'nick', 'city']);
    // No address in the profile: the city and the country are the model's to propose (and its country is refused).
    const filled = await plan(listing, 'Fill it in, my nickname is Bee and I live in Chiang Mai.', false, { ...PROFILE, addresses: [] });
    const reasons = filled.refused.map((r) => `${r.fieldId ?? '-'}: ${r.reason}`);
    expect(reasons).toHaveLength(4);
    expect(reasons[0]).toMatch(/^-: The model named a field Pagewise did not list/);
    expect(reasons[1]).toMatch(/^f4: Password and card fields are filled only when you allow it/);
    expect(reasons[2]).toMatch(/^f1: .*20/);
    expect(reasons[3]).toMatch(/^f5: .*Atlantis/);
    expect(filled.proposals.map((p) => `${p.fieldId}=${p.shown}`).sort()).toEqual(['f1=Priya', 'f2=Sharma', 'f3=priya@example.in', 'f6=Bee', 'f7=Chiang Mai']);

    await command('fill.preview', { tabId, marks: filled.proposals.map(({ fieldId }, i) => ({ fieldId, number: i + 1 })) });
    // While the preview is shown: the site swaps the city field for a new one, and the user types in the family name.
    await tab.evaluate(() => {
      const old = document.getElementById('h-replaced')!;
      const fresh = old.cloneNode() as HTMLInputElement;
      old.replaceWith(fresh);
    });
    await tab.click('#h-family');
    await tab.keyboard.type('Rao');
    const writes = [...filled.proposals.flatMap((p) => p.writes), { id: 'f4', value: 'hunter2' }, { id: 'f40', value: 'x' }];
    const { outcomes } = await command<{ outcomes: FieldOutcome[] }>('fill.apply', { tabId, writes, allowSensitive: false });
    const byId = Object.fromEntries(outcomes.map((o) => [o.id, o]));
    expect(byId['f1']?.outcome).toBe('written');
    expect(byId['f3']?.outcome).toBe('written');
    expect(byId['f2']).toMatchObject({ outcome: 'refused', reason: expect.stringMatching(/typed/) });
    expect(byId['f6']).toMatchObject({ outcome: 'wiped' });
    expect(byId['f7']).toMatchObject({ outcome: 'refused', reason: expect.stringMatching(/replaced/) });
    expect(byId['f4']).toMatchObject({ outcome: 'refused', reason: expect.stringMatching(/Password/) });
    expect(byId['f40']).toMatchObject({ outcome: 'refused', reason: expect.stringMatching(/not listed/) });
    const selectors = ['#h-given', '#h-family', '#h-email', '#h-pw', '#h-country', '#h-wiped', '#h-replaced'];
    expect(await valuesOf(tab, selectors)).toEqual({ '#h-given': 'Priya', '#h-family': 'Rao', '#h-email': 'priya@example.in', '#h-pw': '', '#h-country': '', '#h-wiped': '', '#h-replaced': '' });
    expect(await tab.evaluate(() => (window as unknown as { __submitted: number }).__submitted)).toBe(0);

    await command('fill.undo', { tabId });
    expect(await valuesOf(tab, selectors)).toEqual({ '#h-given': '', '#h-family': 'Rao', '#h-email': '', '#h-pw': '', '#h-country': '', '#h-wiped': '', '#h-replaced': '' });
    await tab.close();
  });

  test('React- and Vue-controlled forms: the frameworks’ own state holds the values after filling', async () => {
    await useScript({});
    const { tab, tabId, listing } = await listFields('/frameworks.html');
    const filled = await plan(listing, '', false, { ...PROFILE, addresses: [{ ...PROFILE.addresses[0]!, country: 'Thailand' }] });
    const { outcomes } = await apply(tabId, filled);
    expect(outcomes.filter((o) => o.outcome !== 'written'), JSON.stringify(outcomes)).toEqual([]);
    const react = JSON.parse(await tab.evaluate(() => document.getElementById('react-state')!.textContent!));
    expect(react).toEqual({ given: 'Priya', family: 'Sharma', email: 'priya@example.in', country: 'TH' });
    const vue = JSON.parse(await tab.evaluate(() => document.getElementById('vue-state')!.textContent!));
    expect(vue).toEqual({ given: 'Priya', email: 'priya@example.in', country: 'Thailand' });
    await tab.close();
  });

  test('labels in Arabic (right to left), Hindi and Thai: names, e-mail, phone and postal code filled; a father’s name left alone', async () => {
    await useScript({});
    const { tab, tabId, listing } = await listFields('/scripts.html');
    expect(listing.fields.filter((f) => f.dir === 'rtl').map((f) => f.htmlId)).toEqual(['ar-given', 'ar-family', 'ar-father', 'ar-email']);
    const filled = await plan(listing);
    await apply(tabId, filled);
    const values = await valuesOf(tab, ['#ar-given', '#ar-family', '#ar-father', '#ar-email', '#hi-given', '#hi-family', '#hi-mobile', '#hi-pin', '#th-given', '#th-family', '#th-email']);
    expect(values).toEqual({
      '#ar-given': 'Priya', '#ar-family': 'Sharma', '#ar-father': '', '#ar-email': 'priya@example.in',
      '#hi-given': 'Priya', '#hi-family': 'Sharma', '#hi-mobile': '+1 415 555 0134', '#hi-pin': '110003',
      '#th-given': 'Priya', '#th-family': 'Sharma', '#th-email': 'priya@example.in',
    });
    await tab.close();
  });

  test('open and closed shadow roots and a same-origin frame are filled; sandboxed and cross-origin frames are not even listed', async () => {
    await useScript({});
    const { tab, tabId, listing } = await listFields('/fill-hidden-places.html');
    await tab.waitForFunction(() => (document.getElementById('cross') as HTMLIFrameElement).src.includes('localhost'));
    expect(listing.fields.map((f) => f.htmlId)).toEqual(['o-email', 'c-family', 'fr-given']);
    const filled = await plan(listing);
    const { outcomes } = await apply(tabId, filled);
    expect(outcomes.map((o) => o.outcome)).toEqual(['written', 'written', 'written']);
    expect(
      await tab.evaluate(() => [
        (document.getElementById('open-host')!.shadowRoot!.getElementById('o-email') as HTMLInputElement).value,
        ((window as unknown as { __closedRoot: ShadowRoot }).__closedRoot.getElementById('c-family') as HTMLInputElement).value,
        ((document.getElementById('same') as HTMLIFrameElement).contentDocument!.getElementById('fr-given') as HTMLInputElement).value,
        ((document.getElementById('sandboxed') as HTMLIFrameElement).contentDocument!.getElementById('fr-given') as HTMLInputElement).value,
      ]),
    ).toEqual(['priya@example.in', 'Sharma', 'Priya', '']);
    await tab.close();
  });

  test('a form in two steps: each step is listed and filled when it shows; a value breaking the page’s pattern is refused', async () => {
    await useScript({});
    const { tab, tabId, listing } = await listFields('/steps.html');
    expect(listing.fields.map((f) => f.htmlId)).toEqual(['s-given', 's-family']);
    await apply(tabId, await plan(listing));
    await tab.click('#next');
    const second = await command<{ tabId: number; listing: FormListing }>('fill.collect', {});
    expect(second.listing.fields.map((f) => f.htmlId)).toEqual(['s-street', 's-city', 's-zip']);
    const filled = await plan(second.listing, '', false, { ...PROFILE, addresses: [{ ...PROFILE.addresses[0]!, postalCode: '10110' }] });
    const { outcomes } = await apply(tabId, filled);
    expect(outcomes.find((o) => o.id === second.listing.fields[2]!.id)).toMatchObject({ outcome: 'refused', reason: expect.stringMatching(/form the field asks for/) });
    expect(await valuesOf(tab, ['#s-given', '#s-family', '#s-street', '#s-city', '#s-zip'])).toEqual({ '#s-given': 'Priya', '#s-family': 'Sharma', '#s-street': '12 Lodhi Road', '#s-city': 'New Delhi', '#s-zip': '' });
    await tab.close();
  });

  test('as a person does it: details typed into the options page, then the side panel proposes, one value is unticked, the rest filled, then undone', async () => {
    await useScript({ 3: CALL("fill_field(id='f12', value='Leave it with the neighbour')"), 5: 'Done.' });
    const options = await ext.openExtensionPage('ui/options/options.html');
    options.once('dialog', (dialog) => void dialog.accept());
    await options.locator('[data-action="delete-profile"]').click();
    await expect.poll(() => options.locator('#profile-status').textContent()).toMatch(/deleted/);
    for (const [id, value] of [['profile-givenName', 'Meera'], ['profile-familyName', 'Iyer'], ['profile-email', 'meera@example.in']]) {
      await options.locator(`#${id}`).fill(value!);
      await options.locator(`#${id}`).dispatchEvent('change');
    }
    await expect.poll(() => options.locator('#profile-status').textContent()).toMatch(/Saved/);
    await options.close();

    const panel = await ext.openExtensionPage('ui/sidepanel/sidepanel.html');
    const tab = await openActiveTab(ext, `${pages.origin}/checkout.html`);
    await panel.locator('#fill-instruction').fill('Add a delivery note: leave it with the neighbour.');
    await panel.locator('[data-action="fill-propose"]').click();
    await expect.poll(() => panel.locator('.fill-proposals li').count(), { timeout: 60_000 }).toBe(4);
    expect(await panel.locator('.fill-proposals li .fill-value').allTextContents()).toEqual(['Meera', 'Iyer', 'meera@example.in', 'Leave it with the neighbour']);
    expect(await tab.evaluate(() => document.querySelectorAll('pagewise-fill-marks').length)).toBe(1);
    await panel.locator('.fill-proposals li[data-field="f2"] input[type=checkbox]').uncheck();
    await panel.locator('[data-action="fill-apply"]').click();
    await expect.poll(() => panel.locator('.fill-outcomes li').count()).toBe(3);
    expect(await valuesOf(tab, ['#first', '#last', '[name=email]', '#notes'])).toEqual({ '#first': 'Meera', '#last': '', '[name=email]': 'meera@example.in', '#notes': 'Leave it with the neighbour' });
    await panel.locator('[data-action="fill-undo"]').click();
    await expect.poll(() => panel.locator('.fill-outcomes li[data-outcome="restored"]').count()).toBe(3);
    expect(await valuesOf(tab, ['#first', '#last', '[name=email]', '#notes'])).toEqual({ '#first': '', '#last': '', '[name=email]': '', '#notes': '' });
    expect(await tab.evaluate(() => (window as unknown as { __submitted: number }).__submitted)).toBe(0);
    await panel.close();
    await tab.close();
  });

  test('honeypots a person cannot see are never listed, and a page that sends its form on every change is stopped while Pagewise fills', async () => {
    await useScript({ 3: CALL("set_checked(id='f4', checked=True)"), 5: 'Done.' });
    const { tab, tabId, listing } = await listFields('/honeypots.html');
    // Hidden in every way a site hides fields from people: clipped, zero height, scrolled away, clip-path,
    // nearly transparent, filtered, far off to the right, covered, a speck, inside closed details.
    // A field scrolled out of a scrolling dialog is seen once the person scrolls: it is listed.
    expect(listing.fields.map((f) => f.name)).toEqual(['email', 'weekly', 'given', 'terms', 'zip_in_scroller']);
    const filled = await plan(listing, 'I agree to the terms.');
    expect(filled.proposals.map((p) => p.fieldId).sort()).toEqual(['f1', 'f3', 'f4', 'f5']);
    const { outcomes, blockedSubmits } = await command<{ outcomes: FieldOutcome[]; blockedSubmits: number }>('fill.apply', { tabId, writes: filled.proposals.flatMap((p) => p.writes), allowSensitive: false });
    expect(outcomes.map((o) => o.outcome)).toEqual(['written', 'written', 'written', 'written']);
    expect(blockedSubmits).toBeGreaterThan(0);
    expect(await tab.evaluate(() => (window as unknown as { __submitted: number }).__submitted)).toBe(0);

    // Listed again after the fill, Pagewise's own values are not a person's typing: they can be proposed for again, and undo still works.
    const again = await command<{ tabId: number; listing: FormListing }>('fill.collect', {});
    expect(again.listing.fields.filter((f) => f.typed)).toEqual([]);
    const undone = await command<{ outcomes: FieldOutcome[] }>('fill.undo', { tabId });
    expect(undone.outcomes.map((o) => o.outcome)).toEqual(['restored', 'restored', 'restored', 'restored']);
    expect(await valuesOf(tab, ['#email', '#eager-name', '#eager-terms', '#zip'])).toEqual({ '#email': '', '#eager-name': '', '#eager-terms': false, '#zip': '' });
    expect(await tab.evaluate(() => (window as unknown as { __submitted: number }).__submitted)).toBe(0);
    await tab.close();
  });
});
