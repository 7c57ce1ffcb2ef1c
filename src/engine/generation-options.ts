// What one request may ask of generation, and how defaults combine: LiquidAI's recommended sampling, then
// the model's generation_config.json, then the request's own overrides.
import { RECOMMENDED_SAMPLING, type SamplingOptions } from './sampling';

export interface GenerationLimits {
  /** Tokens the model may write in this request, thinking included. */
  maxNewTokens: number;
  /** Thinking tokens allowed before the engine closes the think block itself; undefined: no cap. */
  maxThinkingTokens?: number;
}

export const DEFAULT_MAX_NEW_TOKENS = 1024;
/** Upper bound on any request's budget, whatever it asks: bounds time and memory per request. */
export const MAX_NEW_TOKENS_CAP = 8192;

const KEYS: [keyof SamplingOptions, string][] = [
  ['temperature', 'temperature'],
  ['topK', 'top_k'],
  ['topP', 'top_p'],
  ['repetitionPenalty', 'repetition_penalty'],
];

export function samplingFor(generationConfig: Record<string, unknown>, overrides: Partial<SamplingOptions> = {}): SamplingOptions {
  const options: SamplingOptions = { ...RECOMMENDED_SAMPLING };
  for (const [key, file] of KEYS) {
    const value = generationConfig[file];
    if (typeof value === 'number' && Number.isFinite(value)) options[key] = value;
  }
  if (generationConfig.do_sample === false) options.temperature = 0;
  for (const [key] of KEYS) {
    const value = overrides[key];
    if (typeof value === 'number' && Number.isFinite(value)) options[key] = value;
  }
  if (overrides.seed !== undefined) options.seed = overrides.seed;
  return options;
}

export function limitsFor(request: Partial<GenerationLimits>): GenerationLimits {
  const maxNewTokens = Math.max(1, Math.min(MAX_NEW_TOKENS_CAP, Math.floor(request.maxNewTokens ?? DEFAULT_MAX_NEW_TOKENS)));
  return request.maxThinkingTokens === undefined ? { maxNewTokens } : { maxNewTokens, maxThinkingTokens: Math.max(0, Math.floor(request.maxThinkingTokens)) };
}
