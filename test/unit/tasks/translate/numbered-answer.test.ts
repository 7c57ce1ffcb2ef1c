import { describe, expect, it } from 'vitest';
import { NumberedAnswer } from '../../../../src/tasks/translate/numbered-answer';

describe('reading a streamed answer of numbered lines', () => {
  it('hands over each line once the next one starts, and the last one at the end', () => {
    const answer = new NumberedAnswer(3);
    expect(answer.push('[1] Hal')).toEqual([]);
    expect(answer.push('lo\n[2')).toEqual([]);
    expect(answer.push('] Welt\n[3] ')).toEqual([{ index: 1, text: 'Hallo' }, { index: 2, text: 'Welt' }]);
    expect(answer.push('Ende')).toEqual([]);
    expect(answer.finish()).toEqual([{ index: 3, text: 'Ende' }]);
  });

  it('counts markers only at the start of a line, and ignores a preamble', () => {
    const answer = new NumberedAnswer(2);
    answer.push('Here you go:\n[1] siehe [2] oben\n[2] zwei');
    expect(answer.finish()).toEqual([{ index: 2, text: 'zwei' }]);
  });

  it('takes a one-unit answer without a marker as that unit', () => {
    const answer = new NumberedAnswer(1);
    answer.push('  nur eine Zeile ');
    expect(answer.finish()).toEqual([{ index: 1, text: 'nur eine Zeile' }]);
    const two = new NumberedAnswer(2);
    two.push('no markers at all');
    expect(two.finish()).toEqual([]);
  });
});
