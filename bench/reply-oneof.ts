/**
 * Names a ProcessingResponse's oneof from its wire bytes without decoding it: the bench checks
 * every reply, and a full protobuf decode per reply would cost the client more than the floor
 * server spends answering.
 */

/** ProcessingResponse's `response` oneof members by field number (external_processor.proto). */
export const RESPONSE_ONEOF_FIELDS = {
  request_headers: 1,
  response_headers: 2,
  request_body: 3,
  response_body: 4,
  request_trailers: 5,
  response_trailers: 6,
  immediate_response: 7,
} as const;

export type ResponseOneof = keyof typeof RESPONSE_ONEOF_FIELDS;

const LENGTH_DELIMITED = 2;
const MAX_ONEOF_FIELD = 7;

/** Reads a varint at `offset`; returns [value, next offset], or undefined when truncated. */
function varint(bytes: Buffer, offset: number): [number, number] | undefined {
  let value = 0;
  let shift = 0;
  for (let i = offset; i < bytes.length && shift < 35; i += 1) {
    const byte = bytes[i] ?? 0;
    value += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) return [value, i + 1];
    shift += 7;
  }
  return undefined;
}

/**
 * The oneof field number a reply carries: 0 for a reply without one (an empty message), undefined
 * for bytes that are not a well-formed message. Encoders write fields in field-number order, so
 * this normally stops at the first tag; other fields (dynamic_metadata, mode_override) are skipped.
 */
export function replyOneofField(message: Buffer): number | undefined {
  let offset = 0;
  while (offset < message.length) {
    const tag = varint(message, offset);
    if (!tag) return undefined;
    const field = Math.floor(tag[0] / 8);
    const wireType = tag[0] % 8;
    offset = tag[1];
    if (field >= 1 && field <= MAX_ONEOF_FIELD) return wireType === LENGTH_DELIMITED ? field : undefined;
    if (wireType === 0) {
      const skipped = varint(message, offset);
      if (!skipped) return undefined;
      offset = skipped[1];
    } else if (wireType === 1) {
      offset += 8;
    } else if (wireType === LENGTH_DELIMITED) {
      const length = varint(message, offset);
      if (!length) return undefined;
      offset = length[1] + length[0];
    } else if (wireType === 5) {
      offset += 4;
    } else {
      return undefined;
    }
  }
  return offset === message.length ? 0 : undefined;
}
