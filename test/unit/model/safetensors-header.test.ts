// A safetensors header is read before anything else of a file and comes from a server the user did not choose
// carefully: it must describe the bytes exactly as the format's own reader requires, or be refused.
import { describe, expect, it } from 'vitest';
import { encodeSafetensorsHeader, parseSafetensorsHeader } from '../../../src/model/safetensors';

/** A header of raw JSON text, padded as writers do, and the size of a file whose data is `dataBytes` long. */
function header(json: unknown, dataBytes: number): { bytes: Uint8Array; size: number } {
  const text = JSON.stringify(json);
  const body = new TextEncoder().encode(text);
  const bytes = new Uint8Array(8 + body.length);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(body.length), true);
  bytes.set(body, 8);
  return { bytes, size: bytes.length + dataBytes };
}

const parse = ({ bytes, size }: { bytes: Uint8Array; size: number }) => () => parseSafetensorsHeader(bytes, size, 'model.safetensors');

describe('safetensors header', () => {
  it('reads tensors laid end to end, in file order whatever the JSON order', () => {
    const h = header({ __metadata__: { format: 'pt' }, b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] }, a: { dtype: 'BF16', shape: [2], data_offsets: [0, 4] } }, 12);
    const entries = parse(h)();
    expect(entries.map((e) => [e.name, e.begin - h.bytes.length, e.end - h.bytes.length])).toEqual([['a', 0, 4], ['b', 4, 12]]);
  });

  it('agrees with the writer the test checkpoints use', () => {
    const { header: bytes } = encodeSafetensorsHeader([{ name: 'x', shape: [3, 2] }, { name: 'y', shape: [5] }]);
    expect(parseSafetensorsHeader(bytes, bytes.length + 44, 'w').map((e) => e.name)).toEqual(['x', 'y']);
  });

  it('refuses offsets before the data: they would name the header\'s own bytes', () => {
    const h = header({ junk: { dtype: 'F32', shape: [4], data_offsets: [-16, 0] }, a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, 4);
    expect(parse(h)).toThrow(/junk has no byte range of whole numbers/);
  });

  it('refuses two names for the same bytes, a gap, and bytes that belong to no tensor', () => {
    expect(parse(header({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] }, b: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, 4))).toThrow(/must lie end to end/);
    expect(parse(header({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] }, b: { dtype: 'F32', shape: [1], data_offsets: [8, 12] } }, 12))).toThrow(/b starts at byte 8 of the data, not 4/);
    expect(parse(header({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, 8))).toThrow(/4 bytes after the last tensor belong to none/);
  });

  it('refuses a dtype that is not one of its own names, whatever JavaScript would find under it', () => {
    for (const dtype of [['F32'], 'constructor', 'toString', null, 'I8']) {
      expect(parse(header({ a: { dtype, shape: [1], data_offsets: [0, 4] } }, 4))).toThrow(/has dtype .*; only F32, F16 and BF16 are read/);
    }
  });

  it('refuses shapes that are not whole numbers, or too large to hold', () => {
    expect(parse(header({ a: { dtype: 'F32', shape: [1.5], data_offsets: [0, 6] } }, 6))).toThrow(/no shape of whole numbers/);
    expect(parse(header({ a: { dtype: 'F32', shape: '4', data_offsets: [0, 4] } }, 4))).toThrow(/no shape of whole numbers/);
    expect(parse(header({ a: { dtype: 'F32', shape: [2 ** 30, 2 ** 30, 2 ** 30], data_offsets: [0, 4] } }, 4))).toThrow(/too large to hold/);
  });

  it('refuses a header that is not an object, and entries that are not', () => {
    expect(parse(header([1, 2], 0))).toThrow(/not a JSON object/);
    expect(parse(header({ a: null }, 0))).toThrow(/a is not described by an object/);
  });
});
