import { runAgent } from '../../engine/agent-loop';
import { PagewiseError, type HostHandlers, type fillHostCommands } from '../../protocol';
import { FILL_MAX_STEPS, planFill, type FillAgent } from '../../tasks/fill/fill-planner';
import type { EngineHost } from '../engine-host';

type FillHandlers = Pick<HostHandlers, keyof typeof fillHostCommands>;

/** Room for the model's reasoning before its calls, and for a call per field of a large form. */
const MAX_THINKING_TOKENS = 768;
const MAX_NEW_TOKENS = 2048;

/**
 * Form planning next to the engine: the rules' proposals, then the engine's agent loop with the fill tools.
 * Without a stored model the rules' proposals still come back, with a note saying that is all there is.
 */
export function fillHandlers(host: EngineHost): FillHandlers {
  return {
    'fill.plan': async (request, { signal, emit }) => {
      const engine = await host.readyEngine(signal, () => undefined).catch((error: unknown) => {
        if (error instanceof PagewiseError && error.code === 'no-model') return undefined;
        throw error;
      });
      const agent: FillAgent | undefined = engine
        ? (messages, registry, onEvent) =>
            host.run(engine, signal, () =>
              runAgent({
                registry,
                messages,
                maxSteps: FILL_MAX_STEPS,
                // The calls only propose: one mistyped id should not cost the rest of the plan.
                partialTurns: true,
                signal,
                onEvent,
                generate: (turn, tools, stop) => engine.generate({ messages: turn, tools, maxNewTokens: MAX_NEW_TOKENS, maxThinkingTokens: MAX_THINKING_TOKENS }, stop),
              }),
            )
        : undefined;
      return planFill(request, agent, {
        onStep: (step) => emit({ type: 'step', step }),
        onProposal: (proposal) => emit({ type: 'proposal', proposal }),
        onRefusal: (refusal) => emit({ type: 'refusal', refusal }),
      });
    },
  };
}
