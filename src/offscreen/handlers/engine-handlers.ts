import type { CommandPayload, engineCommands, HostHandlers } from '../../protocol';
import type { EngineHost } from '../engine-host';

type EngineHandlers = Pick<HostHandlers, keyof typeof engineCommands>;

/** The engine's commands: state, hardware, load and unload, and generation on the loaded model. */
export function engineHandlers(host: EngineHost): EngineHandlers {
  return {
    'engine.get-state': async () => host.status.state,
    'engine.hardware': () => host.hardware(),
    'engine.load': ({ modelId, backend }, { signal, emit }) => host.load(modelId, backend, signal, emit),
    'engine.unload': async () => {
      const unloaded = await host.unload();
      host.status.set({ phase: 'no-model' });
      return { unloaded };
    },
    'engine.generate': (payload, { signal, emit }) => {
      const engine = host.loadedEngine();
      return host.run(engine, signal, () => engine.generate(toRequest(payload), signal, emit));
    },
  };
}

function toRequest(payload: CommandPayload<'engine.generate'>) {
  return {
    messages: payload.messages.map(({ toolCalls, ...m }) => ({ ...m, ...(toolCalls ? { toolCalls: toolCalls as never } : {}) })),
    ...(payload.tools ? { tools: payload.tools } : {}),
    ...(payload.sampling ? { sampling: payload.sampling } : {}),
    ...(payload.maxNewTokens !== undefined ? { maxNewTokens: payload.maxNewTokens } : {}),
    ...(payload.maxThinkingTokens !== undefined ? { maxThinkingTokens: payload.maxThinkingTokens } : {}),
    ...(payload.topLogits ? { topLogits: payload.topLogits } : {}),
  };
}
