import { ChatFormat } from '../../../src/engine/chat-format';
import { FolderModelSource } from '../../support/folder-model-source';
import type { PromptMeter } from '../../../src/tasks/summarize/prompt-meter';
import { ensureTestModel } from '../../../scripts/export/test-models';

/** Counts with the tiny test model's real tokenizer and chat template, through the engine's own ChatFormat. */
export async function tinyModelMeter(): Promise<PromptMeter> {
  const chat = new ChatFormat(await new FolderModelSource(ensureTestModel('tiny-dense').dir).files());
  return {
    promptTokens: (messages) => chat.prompt(messages).length,
    textTokens: (text) => chat.encode(text).length,
  };
}
