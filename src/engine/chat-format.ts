// The model's own chat format: its tokenizer and its chat_template, rendered by transformers.js (which runs
// @huggingface/jinja), so the engine follows whatever template the model ships (LFM2.5 dates the system prompt
// and lists tools as JSON; older LFM2 templates wrap them in <|tool_list_start|>).
import { PreTrainedTokenizer } from '@huggingface/transformers';
import type { JsonValue } from './tool-call-parser';
import type { ModelFiles } from './model-source';

export interface ToolCallMessage {
  name: string;
  arguments: Record<string, JsonValue>;
}

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string;
  /** An assistant turn's thinking; the template keeps it only where the model expects it. */
  thinking?: string;
  toolCalls?: ToolCallMessage[];
}

export interface ToolDefinition {
  name: string;
  description: string;
  /** JSON schema of the arguments object. */
  parameters: Record<string, unknown>;
}

/** The shape of LFM2's control strings, for text neutralized without a tokenizer at hand. */
const CONTROL = /<\|[a-z0-9_]+\|>|<\/?think>/g;

export class ChatFormat {
  private readonly tokenizer: PreTrainedTokenizer;
  /** Tokens that end the assistant's turn. */
  readonly stopTokenIds: ReadonlySet<number>;
  /**
   * Every string this tokenizer turns into one added token (its `added_tokens`: <|im_start|>, <think>, reserved
   * and image tokens alike), so text from outside can be kept from forging any of them, not only those we know.
   */
  private readonly control: RegExp;

  constructor(files: ModelFiles) {
    this.tokenizer = new PreTrainedTokenizer(files.tokenizer, files.tokenizerConfig);
    this.control = controlPattern(files.tokenizer);
    const ids = new Set<number>();
    for (const source of [files.generationConfig.eos_token_id, files.config.eos_token_id]) {
      for (const id of [source].flat()) if (typeof id === 'number') ids.add(id);
    }
    for (const token of ['<|im_end|>', '<|endoftext|>']) {
      const id = this.tokenId(token);
      if (id !== undefined) ids.add(id);
    }
    this.stopTokenIds = ids;
  }

  /** The prompt for `messages`, ending with the assistant's turn opening. */
  prompt(messages: readonly ChatMessage[], tools: readonly ToolDefinition[] = [], addGenerationPrompt = true): number[] {
    const clean = (text: string): string => neutralize(text, this.control);
    const conversation = messages.map((m) => ({
      role: m.role,
      content: clean(m.content),
      ...(m.thinking !== undefined ? { thinking: clean(m.thinking) } : {}),
      ...(m.toolCalls ? { tool_calls: m.toolCalls.map((c) => ({ type: 'function', function: { name: clean(c.name), arguments: quotedArguments(c.arguments, clean) } })) } : {}),
    }));
    const text = this.tokenizer.apply_chat_template(conversation, {
      tools: tools.length > 0 ? tools.map((t) => neutralizeJson({ ...t } as unknown as JsonValue, clean)) : null,
      add_generation_prompt: addGenerationPrompt,
      tokenize: false,
    }) as string;
    return this.encode(text);
  }

  encode(text: string): number[] {
    return this.tokenizer.encode(text, { add_special_tokens: false });
  }

  /** Text of `ids`; markers that are not special (<think>, tool-call markers) stay, control tokens go. */
  decode(ids: readonly number[]): string {
    return this.tokenizer.decode([...ids], { skip_special_tokens: true });
  }

  tokenId(token: string): number | undefined {
    const ids = this.tokenizer.encode(token, { add_special_tokens: false });
    return ids.length === 1 ? ids[0] : undefined;
  }
}

/** Every string in `value` (keys too) cleaned: tool definitions and arguments reach the template as well as text. */
function neutralizeJson(value: JsonValue, clean: (text: string) => string): JsonValue {
  if (typeof value === 'string') return clean(value);
  if (Array.isArray(value)) return value.map((item) => neutralizeJson(item, clean));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [clean(key), neutralizeJson(item, clean)]));
  return value;
}

/** A pattern matching every added token of the tokenizer (longest first), and LFM2's control shapes besides. */
function controlPattern(tokenizer: Record<string, unknown>): RegExp {
  const added = Array.isArray(tokenizer['added_tokens']) ? (tokenizer['added_tokens'] as Array<{ content?: unknown }>) : [];
  const contents = [...new Set(added.map((token) => token.content).filter((content): content is string => typeof content === 'string' && content.length >= 2))];
  contents.sort((a, b) => b.length - a.length);
  const escaped = contents.map((content) => content.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp([...escaped, CONTROL.source].join('|'), 'g');
}

/**
 * A call's arguments as the template should print them. LFM2.5's template writes a string argument as
 * `'` + value + `'` with no escaping (scripts/export/chat-template.jinja, `argument` macro), so a `'` in a value
 * would end the string early and let the rest read as more arguments or another call: the string is escaped
 * here, Python style, which is also how the model writes them and how tool-call-parser.ts reads them back.
 * Objects and lists go through the template's `tojson`, which escapes on its own.
 */
function quotedArguments(args: Record<string, JsonValue>, clean: (text: string) => string): Record<string, JsonValue> {
  const escape = (text: string): string => text.replace(/[\\'\n\r]/g, (c) => ({ '\\': '\\\\', "'": "\\'", '\n': '\\n', '\r': '\\r' })[c]!);
  return Object.fromEntries(Object.entries(args).map(([key, value]) => [clean(key), typeof value === 'string' ? clean(escape(value)) : neutralizeJson(value, clean)]));
}

/** Breaks control strings in untrusted text with a zero-width space so they tokenize as plain text. */
export function neutralize(text: string, control: RegExp = CONTROL): string {
  return text.replace(control, (match) => `${match[0]}\u200b${match.slice(1)}`);
}
