// Parses the Python-style tool calls LFM2.5 writes between <|tool_call_start|> and <|tool_call_end|>:
// `[fill_field(id='f3', value='Priya'), search(q="x", n=2, tags=['a', 1], opts={"k": null})]`.
// Model output is untrusted: this is a hand-written recursive-descent parser with a length cap and a depth
// cap (so time and memory stay linear and the stack bounded), it never evaluates anything, and the only
// error it throws is ToolCallSyntaxError.

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export interface ParsedToolCall {
  name: string;
  arguments: Record<string, JsonValue>;
}

export class ToolCallSyntaxError extends Error {
  override name = 'ToolCallSyntaxError';

  constructor(
    message: string,
    /** Character offset in the parsed text where the problem was found. */
    readonly offset: number,
  ) {
    super(`${message} (at character ${offset})`);
  }
}

export interface ToolCallParserLimits {
  maxLength: number;
  maxDepth: number;
  maxCalls: number;
}

const DEFAULT_LIMITS: ToolCallParserLimits = { maxLength: 65_536, maxDepth: 32, maxCalls: 16 };

const IDENT_START = /[\p{L}_]/u;
const IDENT_PART = /[\p{L}\p{N}_.-]/u;
const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v', '0': '\0', '\\': '\\', "'": "'", '"': '"', '/': '/' };

/** Parses a list of calls (`[a(x=1), b()]`) or a single bare call (`a(x=1)`), which the model sometimes writes. */
export function parseToolCalls(text: string, limits: Partial<ToolCallParserLimits> = {}): ParsedToolCall[] {
  return new Parser(text, { ...DEFAULT_LIMITS, ...limits }).parseCallList();
}

class Parser {
  private pos = 0;

  constructor(
    private readonly text: string,
    private readonly limits: ToolCallParserLimits,
  ) {
    if (text.length > limits.maxLength) throw new ToolCallSyntaxError(`tool call text is longer than ${limits.maxLength} characters`, limits.maxLength);
  }

  parseCallList(): ParsedToolCall[] {
    this.skipSpace();
    const bracketed = this.peek() === '[';
    if (bracketed) this.pos++;
    const calls: ParsedToolCall[] = [];
    this.skipSpace();
    if (!(bracketed && this.peek() === ']')) {
      for (;;) {
        if (calls.length >= this.limits.maxCalls) this.fail(`more than ${this.limits.maxCalls} calls`);
        calls.push(this.parseCall());
        this.skipSpace();
        if (!bracketed || this.peek() !== ',') break;
        this.pos++;
        this.skipSpace();
      }
    }
    if (bracketed) this.expect(']');
    this.skipSpace();
    if (this.pos < this.text.length) this.fail(`unexpected "${this.text[this.pos]}" after the calls`);
    if (calls.length === 0) this.fail('no tool call');
    return calls;
  }

  private parseCall(): ParsedToolCall {
    const name = this.parseIdentifier('a function name');
    this.skipSpace();
    this.expect('(');
    const args: Record<string, JsonValue> = Object.create(null) as Record<string, JsonValue>;
    this.skipSpace();
    if (this.peek() !== ')') {
      for (;;) {
        this.skipSpace();
        const start = this.pos;
        const key = this.parseIdentifier('an argument name (positional arguments are not allowed)');
        if (Object.hasOwn(args, key)) this.fail(`argument "${key}" given twice`, start);
        this.skipSpace();
        this.expect('=');
        args[key] = this.parseValue(1);
        this.skipSpace();
        if (this.peek() !== ',') break;
        this.pos++;
        this.skipSpace();
        if (this.peek() === ')') break; // trailing comma, as Python allows
      }
    }
    this.expect(')');
    return { name, arguments: { ...args } };
  }

  private parseValue(depth: number): JsonValue {
    if (depth > this.limits.maxDepth) this.fail(`values nested deeper than ${this.limits.maxDepth}`);
    this.skipSpace();
    const c = this.peek();
    if (c === "'" || c === '"') return this.parseString();
    if (c === '[') return this.parseSequence(']', depth);
    if (c === '(') return this.parseSequence(')', depth);
    if (c === '{') return this.parseObject(depth);
    if (c !== undefined && /[-+0-9.]/.test(c)) return this.parseNumber();
    const start = this.pos;
    const word = this.parseIdentifier('a value');
    switch (word) {
      case 'None':
      case 'null':
        return null;
      case 'True':
      case 'true':
        return true;
      case 'False':
      case 'false':
        return false;
      default:
        return this.fail(`"${word}" is not a value (strings need quotes)`, start);
    }
  }

  private parseSequence(close: ']' | ')', depth: number): JsonValue[] {
    this.pos++;
    const items: JsonValue[] = [];
    this.skipSpace();
    while (this.peek() !== close) {
      items.push(this.parseValue(depth + 1));
      this.skipSpace();
      if (this.peek() !== ',') break;
      this.pos++;
      this.skipSpace();
    }
    this.expect(close);
    return items;
  }

  private parseObject(depth: number): { [key: string]: JsonValue } {
    this.pos++;
    const entries: [string, JsonValue][] = [];
    this.skipSpace();
    while (this.peek() !== '}') {
      const c = this.peek();
      if (c !== "'" && c !== '"') this.fail('object keys must be quoted strings');
      const key = this.parseString();
      this.skipSpace();
      this.expect(':');
      entries.push([key, this.parseValue(depth + 1)]);
      this.skipSpace();
      if (this.peek() !== ',') break;
      this.pos++;
      this.skipSpace();
    }
    this.expect('}');
    // Object.fromEntries defines own properties, so a "__proto__" key cannot reach the prototype.
    return Object.fromEntries(entries);
  }

  private parseString(): string {
    const quote = this.text[this.pos++];
    let out = '';
    for (;;) {
      const c = this.text[this.pos];
      if (c === undefined) this.fail('unterminated string');
      this.pos++;
      if (c === quote) return out;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = this.text[this.pos++];
      if (e === undefined) this.fail('unterminated string');
      if (Object.hasOwn(SIMPLE_ESCAPES, e)) out += SIMPLE_ESCAPES[e];
      else if (e === 'x') out += this.parseHexEscape(2);
      else if (e === 'u') out += this.parseHexEscape(4);
      else if (e === 'U') out += this.parseHexEscape(8);
      else if (e === '\n') continue; // Python line continuation inside a string
      else out += `\\${e}`; // Python keeps unknown escapes as written
    }
  }

  private parseHexEscape(digits: number): string {
    const hex = this.text.slice(this.pos, this.pos + digits);
    if (hex.length !== digits || !/^[0-9a-fA-F]+$/.test(hex)) this.fail(`bad \\${digits === 2 ? 'x' : 'u'} escape`);
    this.pos += digits;
    const code = Number.parseInt(hex, 16);
    if (code > 0x10ffff) this.fail('escape beyond Unicode', this.pos - digits);
    return String.fromCodePoint(code);
  }

  private parseNumber(): number {
    const match = /^[-+]?(?:\d[\d_]*(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?/.exec(this.text.slice(this.pos, this.pos + 400));
    if (!match) return this.fail('bad number');
    this.pos += match[0].length;
    const value = Number(match[0].replaceAll('_', ''));
    if (!Number.isFinite(value)) this.fail('number out of range', this.pos - match[0].length);
    return value;
  }

  private parseIdentifier(what: string): string {
    const start = this.pos;
    const first = this.peek();
    if (first === undefined || !IDENT_START.test(first)) this.fail(`expected ${what}`);
    this.pos++;
    while (this.pos < this.text.length && IDENT_PART.test(this.text[this.pos] as string)) this.pos++;
    return this.text.slice(start, this.pos);
  }

  private skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos] as string)) this.pos++;
  }

  private peek(): string | undefined {
    return this.text[this.pos];
  }

  private expect(c: string): void {
    if (this.text[this.pos] !== c) this.fail(this.pos >= this.text.length ? `expected "${c}" but the text ended` : `expected "${c}"`);
    this.pos++;
  }

  private fail(message: string, offset = this.pos): never {
    throw new ToolCallSyntaxError(message, offset);
  }
}
