// Turns generated token ids into text pieces as they arrive. Byte-level tokens can end inside a UTF-8
// character; such a tail decodes to U+FFFD, so it is held until the character completes (as transformers'
// TextStreamer does), bounded so a genuinely invalid byte sequence is still released.
const MAX_HELD_TOKENS = 8;

export class TextStream {
  private pending: number[] = [];

  constructor(private readonly decode: (ids: readonly number[]) => string) {}

  push(id: number): string {
    this.pending.push(id);
    const text = this.decode(this.pending);
    if (text.endsWith('\ufffd') && this.pending.length < MAX_HELD_TOKENS) return '';
    this.pending = [];
    return text;
  }

  flush(): string {
    const text = this.pending.length > 0 ? this.decode(this.pending) : '';
    this.pending = [];
    return text;
  }
}
