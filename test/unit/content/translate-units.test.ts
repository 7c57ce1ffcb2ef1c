// @vitest-environment happy-dom
// The page side of translation on hostile shapes of DOM (a unit test in happy-dom; the e2e tests drive Chromium).
import { describe, expect, it } from 'vitest';
import { UnitCollector, type PageUnit, type TextUnit } from '../../../src/content/translate/page-units';
import { UnitWriter } from '../../../src/content/translate/unit-writer';
import type { InlinePiece } from '../../../src/protocol';

/** happy-dom computes no styles: the browser's defaults for the tags these tests use. */
const INLINE = new Set(['a', 'b', 'i', 'em', 'span', 'code', 'svg', 'img', 'math', 'mi', 'text', 'script']);
const displayOf = (element: Element): string => (INLINE.has(element.localName) ? 'inline' : element.localName === 'option' ? 'block' : 'block');

function collect(html: string, known: (node: Node) => boolean = () => false): { units: PageUnit[]; collector: UnitCollector } {
  document.body.innerHTML = html; // eslint-disable-line no-restricted-properties -- a test fixture, not page text
  const collector = new UnitCollector({ to: 'de', shadowRootOf: (e) => e.shadowRoot, known, displayOf });
  collector.add(document.body);
  return { units: collector.collect(performance.now() + 10_000), collector };
}

const texts = (units: PageUnit[]) => units.filter((u): u is TextUnit => u.kind === 'text');
const serialize = () => document.body.innerHTML; // eslint-disable-line no-restricted-properties -- comparing markup

describe('collecting units', () => {
  it('never goes inside SVG or MathML, whatever case their tag names are in', () => {
    const { units, collector } = collect('<p id="p">Share this page </p>');
    const p = document.getElementById('p')!;
    const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    svg.append(document.createElementNS('http://www.w3.org/2000/svg', 'script'), document.createElementNS('http://www.w3.org/2000/svg', 'style'));
    svg.firstChild!.textContent = '';
    svg.lastChild!.textContent = 'text { fill: red }';
    const math = document.createElementNS('http://www.w3.org/1998/Math/MathML', 'math');
    math.textContent = 'x';
    p.append(svg, ' today ', math);
    expect(texts(units)).toHaveLength(1);
    collector.rewalk(p);
    expect(texts(collector.collect(performance.now() + 10_000)).map((u) => u.pieces)).toEqual([['Share this page ', { slot: 1 }, ' today ', { slot: 2 }]]);
  });

  it('content added later inside .notranslate, code or an editor is left alone', () => {
    const { units, collector } = collect('<div class="notranslate"><p id="d">Brand</p></div><pre><code id="c">x</code></pre><p>Hello there</p>');
    expect(texts(units)).toHaveLength(1);
    const added = document.createElement('span');
    added.textContent = ' new words';
    document.getElementById('d')!.append(added);
    collector.add(added);
    collector.rewalk(document.getElementById('c')!);
    expect(collector.collect(performance.now() + 10_000)).toEqual([]);
  });

  it('splits a long paragraph in sentence parts only when it is one text node', () => {
    const long = 'A sentence that goes on for a while. '.repeat(20);
    expect(texts(collect(`<p>${long}</p>`).units).length).toBeGreaterThan(1);
    const two = texts(collect(`<p>${long}<!--anchor-->${long}</p>`).units);
    expect(two.every((u) => !u.part)).toBe(true);
  });

  it('an inline element over the unit size is walked for its own parts instead of being sent whole', () => {
    const { units } = collect(`<p><span>${'Words in a very long span. '.repeat(100)}</span></p><p><span>${'<i>x</i>'.repeat(70)}</span></p>`);
    expect(texts(units).length).toBeGreaterThan(2);
    for (const unit of texts(units)) expect(unit.slots.size).toBeLessThanOrEqual(64);
  });

  it('each attribute once, however often the walk passes its element', () => {
    let translated = false;
    const { units, collector } = collect('<p><img alt="A crane at work"> and some text</p>', () => translated);
    expect(units.filter((u) => u.kind === 'attribute')).toHaveLength(1);
    translated = true; // the paragraph's text is now Pagewise's: its run is known
    collector.rewalk(document.body.firstChild!);
    expect(collector.collect(performance.now() + 10_000)).toEqual([]);
  });
});

describe('writing and restoring', () => {
  it('a reordered translation moves only the unit’s elements; comments and hidden nodes keep their places, and restore is exact', () => {
    const { units } = collect('<p>The <!--lit--><a href="#a">link</a> and <b>bold</b><!--end--> is here.</p>');
    const before = serialize();
    const [unit] = texts(units);
    const writer = new UnitWriter();
    const translation: InlinePiece[] = [{ slot: 2, children: ['fett'] }, ' und ', { slot: 1, children: ['Verweis'] }, ' sind hier.'];
    writer.forUnit(unit!.id, () => writer.writeText(unit!, translation));
    expect(document.body.textContent).toBe('fett und Verweis sind hier.');
    expect([...document.body.firstChild!.childNodes].map((n) => n.nodeName)).toEqual(['#text', '#comment', 'B', '#text', 'A', '#comment', '#text']);
    writer.restore();
    expect(serialize()).toBe(before);
  });

  it('puts no text into an element that had none (an empty script-like slot stays empty)', () => {
    const { units } = collect('<p>Look <span class="icon"></span> here</p>');
    const [unit] = texts(units);
    expect(unit!.pieces).toEqual(['Look ', { slot: 1 }, ' here']);
    const writer = new UnitWriter();
    writer.writeText(unit!, ['Schau ', { slot: 1, children: ['alert(1)'] } as InlinePiece, ' hier']);
    expect(document.querySelector('.icon')!.childNodes.length).toBe(0);
  });

  it('a translated option keeps the value its select submits', () => {
    const { units } = collect('<select id="s"><option>Small boat</option><option selected>Large ship</option></select>');
    const select = document.getElementById('s') as HTMLSelectElement;
    const large = texts(units).find((u) => u.pieces[0] === 'Large ship')!;
    const writer = new UnitWriter();
    writer.writeText(large, ['Großes Schiff']);
    expect([select.value, select.selectedOptions[0]!.text]).toEqual(['Large ship', 'Großes Schiff']);
    writer.restore();
    expect(select.options[1]!.hasAttribute('value')).toBe(false);
  });
});
