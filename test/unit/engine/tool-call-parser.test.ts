import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../src/engine/seeded-random';
import { parseToolCalls, ToolCallSyntaxError } from '../../../src/engine/tool-call-parser';

describe('parseToolCalls', () => {
  it('reads the call shapes the chat template writes', () => {
    expect(parseToolCalls("[fn(a='x', b=2, c=[1, 'y'], d=None)]")).toEqual([{ name: 'fn', arguments: { a: 'x', b: 2, c: [1, 'y'], d: null } }]);
  });

  it('reads several calls, JSON objects, booleans, floats and a bare call', () => {
    expect(parseToolCalls('[a(x=True, y=-1.5e2), b(o={"k": [null, false], "n": 3}), c()]')).toEqual([
      { name: 'a', arguments: { x: true, y: -150 } },
      { name: 'b', arguments: { o: { k: [null, false], n: 3 } } },
      { name: 'c', arguments: {} },
    ]);
    expect(parseToolCalls("fill_field(id='f3', value='Priya')")).toEqual([{ name: 'fill_field', arguments: { id: 'f3', value: 'Priya' } }]);
  });

  it('keeps quotes, escapes and Unicode intact', () => {
    const [call] = parseToolCalls(String.raw`[say(t='it\'s "fine"\n', u="नमस्ते \u0e2a\x41", p='C:\path', e='😀')]`);
    expect(call?.arguments).toEqual({ t: 'it\'s "fine"\n', u: 'नमस्ते สA', p: 'C:\\path', e: '😀' });
  });

  it('does not let a "__proto__" key reach the prototype', () => {
    const [call] = parseToolCalls('[f(o={"__proto__": {"polluted": 1}})]');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(call?.arguments.o as object)).toEqual(['__proto__']);
  });

  it.each([
    ['[fn(a=x)]', 'is not a value'],
    ["[fn('x')]", 'positional'],
    ["[fn(a='x)]", 'unterminated string'],
    ['[fn(a=1, a=2)]', 'given twice'],
    ['[fn(a=1)', 'text ended'],
    ['[]', 'no tool call'],
    ['[fn(a=1)] trailing', 'after the calls'],
  ])('rejects %s with a typed error saying where', (text, message) => {
    expect(() => parseToolCalls(text)).toThrow(ToolCallSyntaxError);
    expect(() => parseToolCalls(text)).toThrow(message);
  });

  it('bounds nesting and length instead of exhausting the stack', () => {
    expect(() => parseToolCalls(`[f(a=${'['.repeat(10_000)})]`)).toThrow(/nested deeper/);
    expect(() => parseToolCalls(`[f(a='${'x'.repeat(70_000)}')]`)).toThrow(/longer than/);
  });
});

const PIECES = ['[', ']', '(', ')', '{', '}', ',', '=', ':', "'", '"', '\\', 'fn', 'a', 'None', 'True', '1', '-2.5e3', ' ', '\n', 'é', '😀', '\\u12', '\\x4', '<|tool_call_end|>', '\u0000', '\ud800'];
const VALID = ["[fn(a='x', b=2, c=[1, 'y'], d=None)]", '[a(o={"k": [1, 2.5, "z"]}), b(s="\\"q\\"")]', "f(x=(1, 2), y='नमस्ते')"];

function randomText(random: () => number): string {
  const length = Math.floor(random() * 40);
  let text = '';
  for (let i = 0; i < length; i++) text += PIECES[Math.floor(random() * PIECES.length)];
  return text;
}

function mutate(text: string, random: () => number): string {
  const chars = [...text];
  const edits = 1 + Math.floor(random() * 4);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(random() * (chars.length + 1));
    const kind = random();
    if (kind < 0.33) chars.splice(at, 1);
    else if (kind < 0.66) chars.splice(at, 0, PIECES[Math.floor(random() * PIECES.length)] as string);
    else chars.splice(at, Math.floor(random() * 5) + 1);
  }
  return chars.join('');
}

describe('parseToolCalls on random and mutated model output', () => {
  it('returns calls or throws only ToolCallSyntaxError, quickly, for 20,000 inputs', () => {
    const random = seededRandom(7);
    const start = performance.now();
    let parsed = 0;
    for (let i = 0; i < 20_000; i++) {
      const text = i % 2 === 0 ? randomText(random) : mutate(VALID[i % VALID.length] as string, random);
      try {
        const calls = parseToolCalls(text);
        parsed++;
        for (const call of calls) {
          expect(typeof call.name).toBe('string');
          expect(JSON.parse(JSON.stringify(call.arguments))).toEqual(call.arguments);
        }
      } catch (error) {
        if (!(error instanceof ToolCallSyntaxError)) throw new Error(`non-typed error for ${JSON.stringify(text)}: ${String(error)}`, { cause: error });
      }
    }
    expect(parsed).toBeGreaterThan(100);
    expect(performance.now() - start).toBeLessThan(10_000);
  });

  it('stays linear on long adversarial input', () => {
    const hostile = `[f(a=${"['x', ".repeat(30)}${"1, ".repeat(15_000)}`;
    const start = performance.now();
    expect(() => parseToolCalls(hostile)).toThrow(ToolCallSyntaxError);
    expect(performance.now() - start).toBeLessThan(500);
  });
});
