// Splits the model's streamed text into three channels as it arrives: thinking (`<think>…</think>`), tool
// calls (`<|tool_call_start|>…<|tool_call_end|>`) and the answer. A marker may be cut across chunks, so a
// tail that could still become a marker is held back until the next chunk decides it. Each chunk costs time
// linear in its length; nothing here throws.

export type Channel = 'answer' | 'think' | 'tool-call';

export interface Segment {
  channel: Channel;
  text: string;
}

export interface SplitterEnd {
  /** The last text held back, now released. */
  segments: Segment[];
  /** The stream ended inside a block: its text stayed in that channel and never reached the answer. */
  unclosed: Exclude<Channel, 'answer'> | null;
}

interface Marker {
  text: string;
  from: Channel;
  to: Channel;
}

export const THINK_OPEN = '<think>';
export const THINK_CLOSE = '</think>';
export const TOOL_CALL_OPEN = '<|tool_call_start|>';
export const TOOL_CALL_CLOSE = '<|tool_call_end|>';

const MARKERS: readonly Marker[] = [
  { text: THINK_OPEN, from: 'answer', to: 'think' },
  { text: THINK_CLOSE, from: 'think', to: 'answer' },
  { text: TOOL_CALL_OPEN, from: 'answer', to: 'tool-call' },
  { text: TOOL_CALL_CLOSE, from: 'tool-call', to: 'answer' },
];

export class ThinkSplitter {
  private channel: Channel;
  private held = '';

  /** `startInThink`: the prompt already opened a think block (some templates end the prompt with `<think>`). */
  constructor(startInThink = false) {
    this.channel = startInThink ? 'think' : 'answer';
  }

  get current(): Channel {
    return this.channel;
  }

  push(chunk: string): Segment[] {
    const text = this.held + chunk;
    this.held = '';
    const out: Segment[] = [];
    let start = 0;
    let i = 0;
    while (i < text.length) {
      if (text[i] !== '<') {
        i++;
        continue;
      }
      const rest = text.length - i;
      const active = MARKERS.filter((m) => m.from === this.channel);
      const hit = active.find((m) => text.startsWith(m.text, i));
      if (hit) {
        this.emit(out, text.slice(start, i));
        this.channel = hit.to;
        i += hit.text.length;
        start = i;
        continue;
      }
      if (active.some((m) => rest < m.text.length && m.text.startsWith(text.slice(i)))) {
        this.emit(out, text.slice(start, i));
        this.held = text.slice(i);
        return out;
      }
      i++;
    }
    this.emit(out, text.slice(start));
    return out;
  }

  end(): SplitterEnd {
    const segments: Segment[] = [];
    this.emit(segments, this.held);
    this.held = '';
    return { segments, unclosed: this.channel === 'answer' ? null : this.channel };
  }

  private emit(out: Segment[], text: string): void {
    if (text.length === 0) return;
    const last = out.at(-1);
    if (last && last.channel === this.channel) last.text += text;
    else out.push({ channel: this.channel, text });
  }
}
