import * as v from 'valibot';
import type { Engine } from '../../engine/engine';
import { InlinePiecesSchema, type HostHandlers, type InlinePiece, type translateHostCommands } from '../../protocol';
import { TranslationCache } from '../../store/translation-cache';
import { runTranslateBatch, type TranslateModel } from '../../tasks/translate/batch-runner';
import { toMarkup } from '../../tasks/translate/inline-markup';
import { TRANSLATE_PROMPT_VERSION } from '../../tasks/translate/translate-prompts';
import type { EngineHost } from '../engine-host';

type TranslateHandlers = Pick<HostHandlers, keyof typeof translateHostCommands>;

/**
 * Page translation next to the engine: the cache answers what was translated before (no model call), the model
 * the rest, each unit sent back as soon as it is done and stored for next time.
 */
export function translateHandlers(host: EngineHost, cache = new TranslationCache()): TranslateHandlers {
  return {
    'translate.batch': async (batch, { signal, emit }) => {
      const engine = await host.readyEngine(signal, (fraction) => emit({ type: 'loading', fraction }));
      const keyOf = (pieces: readonly InlinePiece[]) =>
        TranslationCache.key({ markup: toMarkup(pieces), from: batch.from, to: batch.to, modelId: engine.modelId, promptVersion: TRANSLATE_PROMPT_VERSION, glossary: batch.glossary, site: batch.site });
      const keys = new Map(await Promise.all(batch.units.map(async (unit) => [unit.id, await keyOf(unit.pieces)] as const)));
      // A private window's text is neither looked up nor kept.
      const stored = batch.private ? new Map<string, string>() : await cache.getMany([...keys.values()]).catch(() => new Map<string, string>());
      const fresh = batch.units.filter((unit) => {
        const hit = stored.get(keys.get(unit.id)!);
        const pieces = hit === undefined ? undefined : parseStored(hit);
        if (pieces) emit({ type: 'unit', id: unit.id, pieces, cached: true });
        return !pieces;
      });
      if (fresh.length === 0) return { failed: [], pageTokens: 0, formatTokens: 0, promptTokens: 0, reusedTokens: 0, writtenTokens: 0, calls: 0, decodeMs: 0 };
      return runTranslateBatch({ ...batch, units: fresh }, translateModel(host, engine), signal, (id, pieces) => {
        emit({ type: 'unit', id, pieces, cached: false });
        // A full cache or a failed write costs a future model call, never this translation.
        if (!batch.private) void cache.put(keys.get(id)!, JSON.stringify(pieces)).catch(() => undefined);
      });
    },
    'translate.clear-cache': async () => ({ entries: await cache.clear() }),
  };
}

/** A stored translation, only if it still reads as pieces (the database is ours, but a disk can go bad). */
function parseStored(json: string): InlinePiece[] | undefined {
  try {
    const parsed = v.safeParse(InlinePiecesSchema, JSON.parse(json));
    return parsed.success ? parsed.output : undefined;
  } catch {
    return undefined;
  }
}

function translateModel(host: EngineHost, engine: Engine): TranslateModel {
  return {
    textTokens: (text) => engine.chat.encode(text).length,
    async generate(messages, maxNewTokens, signal, onText) {
      const result = await host.run(engine, signal, () =>
        // Greedy: a translation should not change between visits (the cache relies on it), and no thinking.
        engine.generate({ messages, maxNewTokens, maxThinkingTokens: 0, sampling: { temperature: 0 } }, signal, (event) => {
          if (event.type === 'text' && event.channel === 'answer') onText(event.text);
        }),
      );
      return { promptTokens: result.promptTokens, reusedTokens: result.reusedTokens, writtenTokens: result.tokens.length, decodeMs: Math.max(0, result.totalMs - result.ttftMs) };
    },
  };
}
