import { describe, expect, it } from 'vitest';
import { piecesText, type InlinePiece } from '../../../../src/protocol';
import { markUnit, parseMarkup, toMarkup } from '../../../../src/tasks/translate/inline-markup';

const unit: InlinePiece[] = ['Read ', { slot: 1, children: ['the ', { slot: 2, children: ['new'] }, ' rules'] }, ' and run ', { slot: 3 }, ' today.'];

describe('the markup a unit travels in', () => {
  it('numbers inline elements as tags, opaque ones as empty tags, and escapes the page’s own angle brackets', () => {
    expect(toMarkup(unit)).toBe('Read <t1>the <t2>new</t2> rules</t1> and run <t3/> today.');
    expect(toMarkup(['a < b & c > d'])).toBe('a &lt; b &amp; c &gt; d');
    expect(parseMarkup('a &lt; b &amp; c &gt; d', markUnit(['a < b & c > d'])).pieces).toEqual(['a < b & c > d']);
  });

  it('reads a translation back into the unit’s slots, in the translation’s order', () => {
    const { pieces } = parseMarkup('Heute <t3/> ausführen und <t1>die <t2>neuen</t2> Regeln</t1> lesen.', markUnit(unit));
    expect(pieces).toEqual(['Heute ', { slot: 3 }, ' ausführen und ', { slot: 1, children: ['die ', { slot: 2, children: ['neuen'] }, ' Regeln'] }, ' lesen.']);
  });

  it('keeps markup the unit never gave as text: invented tags, real HTML, a slot under another parent', () => {
    const { pieces } = parseMarkup('<b>x</b> <t9>y</t9> <t2>z</t2> <script>alert(1)</script>', markUnit(unit));
    expect(pieces).toEqual(['<b>x</b> <t9>y</t9> z <script>alert(1)</script>']);
  });

  it('honours a slot once: a repeated one keeps its words but not the element', () => {
    const { pieces } = parseMarkup('<t1>eins</t1> und <t1>zwei</t1>', markUnit(unit));
    expect(pieces).toEqual([{ slot: 1, children: ['eins'] }, ' und zwei']);
  });

  it('drops what the model wrote inside an opaque slot, and closes what it left open', () => {
    expect(parseMarkup('run <t3>rm -rf</t3> now, <t1>open', markUnit(unit)).pieces).toEqual(['run ', { slot: 3 }, ' now, ', { slot: 1, children: ['open'] }]);
  });

  it('an element the model emptied (<t1/>) keeps its own text rather than losing it', () => {
    expect(parseMarkup('Lies <t1/> heute.', markUnit(unit)).pieces).toEqual(['Lies  heute.']);
  });

  it('moves URLs and e-mail addresses into slots of their own and puts them back untouched', () => {
    const marked = markUnit(['See https://example.org/a?b=1, or write to ann@example.org.']);
    expect(toMarkup(marked.pieces)).toBe('See <t1/>, or write to <t2/>.');
    const back = parseMarkup('Siehe <t1/> oder schreib an <t2/>.', marked);
    expect(back).toEqual({ pieces: ['Siehe https://example.org/a?b=1 oder schreib an ann@example.org.'], missingKept: [] });
    expect(parseMarkup('Siehe oben.', marked).missingKept).toEqual([1, 2]);
    expect(piecesText(back.pieces)).toContain('ann@example.org');
  });
});

describe('the glossary', () => {
  it('keeps the user’s terms as they are, whole words only, the longest first', () => {
    const marked = markUnit(['Harbour Express and Harbour run the Express+ line; Harboursides stays.'], ['Harbour', 'Harbour Express', 'Express+']);
    expect(toMarkup(marked.pieces)).toBe('<t1/> and <t2/> run the <t3/> line; Harboursides stays.');
    expect(parseMarkup('<t1/> और <t2/> <t3/> लाइन चलाते हैं', marked).pieces).toEqual(['Harbour Express और Harbour Express+ लाइन चलाते हैं']);
  });
});
