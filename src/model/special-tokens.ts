// LFM2 special tokens, ids 0–13 as in LiquidAI's tokenizer_config.json (added_tokens_decoder), plus the
// thinking markers the LFM2.5 chat template emits. tool_call markers are not "special": they must survive
// decoding so the engine can parse tool calls.
export interface SpecialToken {
  id: number;
  content: string;
  special: boolean;
}

export const SPECIAL_TOKENS: readonly SpecialToken[] = [
  { id: 0, content: '<|pad|>', special: true },
  { id: 1, content: '<|startoftext|>', special: true },
  { id: 2, content: '<|endoftext|>', special: true },
  { id: 3, content: '<|fim_pre|>', special: true },
  { id: 4, content: '<|fim_mid|>', special: true },
  { id: 5, content: '<|fim_suf|>', special: true },
  { id: 6, content: '<|im_start|>', special: true },
  { id: 7, content: '<|im_end|>', special: true },
  { id: 8, content: '<|tool_list_start|>', special: true },
  { id: 9, content: '<|tool_list_end|>', special: true },
  { id: 10, content: '<|tool_call_start|>', special: false },
  { id: 11, content: '<|tool_call_end|>', special: false },
  { id: 12, content: '<|tool_response_start|>', special: true },
  { id: 13, content: '<|tool_response_end|>', special: true },
  { id: 14, content: '<think>', special: false },
  { id: 15, content: '</think>', special: false },
];

export const PAD_TOKEN_ID = 0;
export const BOS_TOKEN_ID = 1;
export const IM_END_TOKEN_ID = 7;
