// Reads a streamed answer of numbered lines ("[1] …", "[2] …") and hands over each line as soon as it is
// complete: when the next numbered line starts, or when the answer ends. Only a marker at the start of a line
// counts, so "[3]" inside a translated sentence is text; text before the first marker is a preamble and is
// ignored, except in a one-unit batch whose answer has no marker at all (then the whole answer is the line).

export interface NumberedLine {
  /** 1-based number as the model wrote it. */
  index: number;
  text: string;
}

const MARKER = /(^|\n)[ \t]*\[(\d{1,3})\][ \t]?/g;

export class NumberedAnswer {
  private buffer = '';
  /** Lines already handed over. */
  private delivered = 0;

  constructor(private readonly lines: number) {}

  /** Adds streamed text; returns the lines it completed. */
  push(text: string): NumberedLine[] {
    this.buffer += text;
    const found = this.markers();
    // The last marker's line may still grow; all before it are complete.
    return this.take(found, found.length - 1);
  }

  /** The answer ended: the last line is complete too. */
  finish(): NumberedLine[] {
    const found = this.markers();
    if (found.length === 0 && this.lines === 1 && this.delivered === 0 && this.buffer.trim()) {
      this.delivered = 1;
      return [{ index: 1, text: this.buffer.trim() }];
    }
    return this.take(found, found.length);
  }

  private markers(): Array<{ index: number; start: number; end: number }> {
    return [...this.buffer.matchAll(MARKER)].map((m) => ({ index: Number(m[2]), start: m.index + m[1]!.length, end: m.index + m[0].length }));
  }

  private take(found: Array<{ index: number; start: number; end: number }>, upTo: number): NumberedLine[] {
    const out: NumberedLine[] = [];
    for (let i = this.delivered; i < upTo; i++) {
      const marker = found[i]!;
      const end = i + 1 < found.length ? found[i + 1]!.start : this.buffer.length;
      out.push({ index: marker.index, text: this.buffer.slice(marker.end, end).trim() });
    }
    this.delivered = Math.max(this.delivered, upTo);
    return out;
  }
}
