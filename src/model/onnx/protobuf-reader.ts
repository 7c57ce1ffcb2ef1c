/**
 * The protobuf wire format read field by field: enough to walk an ONNX model's messages without decoding
 * the parts we do not need. Lengths and varints stay below 2^53 for any model a browser can hold.
 */
export type WireField =
  | { field: number; wire: 'varint'; value: number }
  | { field: number; wire: 'bytes'; value: Uint8Array }
  | { field: number; wire: 'fixed'; value: undefined };

export class ProtobufFormatError extends Error {}

const VARINT = 0;
const FIXED64 = 1;
const LENGTH_DELIMITED = 2;
const FIXED32 = 5;

export function* wireFields(bytes: Uint8Array): Generator<WireField> {
  let at = 0;
  const varint = (): number => {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (at >= bytes.length) throw new ProtobufFormatError('The model file ends inside a number.');
      const byte = bytes[at++]!;
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 128;
    }
    throw new ProtobufFormatError('The model file has a malformed number.');
  };
  while (at < bytes.length) {
    const tag = varint();
    const field = Math.floor(tag / 8);
    const wire = tag % 8;
    if (wire === VARINT) yield { field, wire: 'varint', value: varint() };
    else if (wire === LENGTH_DELIMITED) {
      const length = varint();
      if (at + length > bytes.length) throw new ProtobufFormatError('The model file ends inside a field.');
      yield { field, wire: 'bytes', value: bytes.subarray(at, at + length) };
      at += length;
    } else if (wire === FIXED64 || wire === FIXED32) {
      at += wire === FIXED64 ? 8 : 4;
      if (at > bytes.length) throw new ProtobufFormatError('The model file ends inside a field.');
      yield { field, wire: 'fixed', value: undefined };
    } else throw new ProtobufFormatError(`The model file has an unknown field encoding (${wire}).`);
  }
}

/** The length-delimited fields numbered `field`, in order. */
export function* messages(bytes: Uint8Array, field: number): Generator<Uint8Array> {
  for (const f of wireFields(bytes)) if (f.field === field && f.wire === 'bytes') yield f.value;
}

export function text(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}

/** A StringStringEntryProto (an external tensor's location, offset, length): key 1, value 2. */
export function stringEntry(bytes: Uint8Array): { key: string; value: string } {
  let key = '';
  let value = '';
  for (const e of wireFields(bytes)) {
    if (e.wire !== 'bytes') continue;
    if (e.field === 1) key = text(e.value);
    else if (e.field === 2) value = text(e.value);
  }
  return { key, value };
}
