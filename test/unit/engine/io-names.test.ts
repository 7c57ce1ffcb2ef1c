import { describe, expect, it } from 'vitest';
import { GraphInterfaceError, readDecoderInterface } from '../../../src/engine/io-names';
import type { OrtValueMetadata } from '../../../src/engine/ort-types';

const t = (name: string, shape: (number | string)[] = []): OrtValueMetadata => ({ name, isTensor: true, type: 'float16', shape });

describe('readDecoderInterface', () => {
  it('pairs the canonical lfm2 names without knowing the layer count', () => {
    const io = readDecoderInterface(
      [t('input_ids'), t('attention_mask'), t('position_ids'), t('past_conv.0', [1, 64, 3]), t('past_key_values.1.key'), t('past_key_values.1.value')],
      [t('logits'), t('present_conv.0'), t('present.1.key'), t('present.1.value')],
    );
    expect(io.slots.map((s) => [s.layer, s.part, s.input, s.output])).toEqual([
      [0, 'conv', 'past_conv.0', 'present_conv.0'],
      [1, 'key', 'past_key_values.1.key', 'present.1.key'],
      [1, 'value', 'past_key_values.1.value', 'present.1.value'],
    ]);
    expect(io.slots[0]?.shape).toEqual([1, 64, 3]);
    expect(io.positionIds).toBe('position_ids');
  });

  it('accepts an export that differs only in naming', () => {
    const io = readDecoderInterface(
      [t('input_ids:0'), t('Attention-Mask'), t('past_key_values_0_key'), t('past_key_values_0_value'), t('past.1.conv')],
      [t('logits:0'), t('present_key_values_0_key'), t('present_key_values_0_value'), t('present.1.conv')],
    );
    expect(io.slots.map((s) => `${s.layer}${s.part}`)).toEqual(['0key', '0value', '1conv']);
    expect(io.attentionMask).toBe('Attention-Mask');
    expect(io.positionIds).toBeUndefined();
  });

  it('says what is missing or unknown instead of guessing', () => {
    expect(() => readDecoderInterface([t('input_ids'), t('past_conv.0')], [t('logits')])).toThrow(GraphInterfaceError);
    expect(() => readDecoderInterface([t('input_ids'), t('pixel_values')], [t('logits')])).toThrow(/pixel_values/);
  });
});
