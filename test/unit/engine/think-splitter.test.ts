import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../src/engine/seeded-random';
import { ThinkSplitter, type Segment } from '../../../src/engine/think-splitter';

function run(chunks: string[], startInThink = false) {
  const splitter = new ThinkSplitter(startInThink);
  const segments: Segment[] = chunks.flatMap((chunk) => splitter.push(chunk));
  const end = splitter.end();
  segments.push(...end.segments);
  const join = (channel: Segment['channel']) => segments.filter((s) => s.channel === channel).map((s) => s.text).join('');
  return { think: join('think'), answer: join('answer'), tool: join('tool-call'), unclosed: end.unclosed, segments };
}

describe('ThinkSplitter', () => {
  it('separates thinking from the answer', () => {
    expect(run(['<think>plan it</think>The answer.'])).toMatchObject({ think: 'plan it', answer: 'The answer.', unclosed: null });
  });

  it('finds markers cut across chunks, one character at a time', () => {
    const text = '<think>a<b</think>x<|tool_call_start|>[f(a=1)]<|tool_call_end|>y';
    expect(run([...text])).toMatchObject({ think: 'a<b', answer: 'xy', tool: '[f(a=1)]' });
  });

  it('keeps an unclosed think block out of the answer and reports it', () => {
    expect(run(['<think>still going', ' and going</th'])).toMatchObject({ think: 'still going and going</th', answer: '', unclosed: 'think' });
  });

  it('streams in order: answer text is released as soon as it cannot be a marker', () => {
    const splitter = new ThinkSplitter();
    expect(splitter.push('Hello <')).toEqual([{ channel: 'answer', text: 'Hello ' }]);
    expect(splitter.push('b>')).toEqual([{ channel: 'answer', text: '<b>' }]);
  });

  it('treats markers literally only in the channel they close or open', () => {
    expect(run(['</think>plain'])).toMatchObject({ answer: '</think>plain', think: '' });
    expect(run(['deep', '</think>answer'], true)).toMatchObject({ think: 'deep', answer: 'answer' });
  });

  it('loses and invents no text for 5,000 random streams, never throws', () => {
    const random = seededRandom(11);
    const pieces = ['<think>', '</think>', '<|tool_call_start|>', '<|tool_call_end|>', '<', '/', 'think>', '<|', 'a', 'ऋ', '😀', ' '];
    for (let i = 0; i < 5_000; i++) {
      let text = '';
      const n = Math.floor(random() * 30);
      for (let k = 0; k < n; k++) text += pieces[Math.floor(random() * pieces.length)];
      const chunks: string[] = [];
      for (let at = 0; at < text.length; ) {
        const size = 1 + Math.floor(random() * 8);
        chunks.push(text.slice(at, at + size));
        at += size;
      }
      const result = run(chunks);
      const whole = run([text]);
      expect(result.segments.map((s) => s.text).join('')).toBe(whole.segments.map((s) => s.text).join(''));
      expect({ ...result, segments: undefined }).toEqual({ ...whole, segments: undefined });
      const markers = /<think>|<\/think>|<\|tool_call_start\|>|<\|tool_call_end\|>/g;
      expect(result.segments.map((s) => s.text).join('').replace(markers, '').length).toBeLessThanOrEqual(text.replace(markers, '').length);
    }
  });
});
