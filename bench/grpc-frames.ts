/**
 * gRPC's length-prefixed message framing (1 byte compressed flag, 4 bytes big-endian length, the
 * protobuf bytes), so the bench can speak gRPC over plain node:http2 without a gRPC library's
 * per-message cost.
 */

const PREFIX_BYTES = 5;

/** One uncompressed gRPC frame around an encoded protobuf message. */
export function grpcFrame(message: Uint8Array): Buffer {
  const frame = Buffer.allocUnsafe(PREFIX_BYTES + message.length);
  frame[0] = 0;
  frame.writeUInt32BE(message.length, 1);
  frame.set(message, PREFIX_BYTES);
  return frame;
}

/**
 * Splits a stream's DATA chunks back into messages. HTTP/2 does not preserve message boundaries:
 * a frame can arrive split over chunks, or several frames in one chunk.
 */
export class GrpcFrameReader {
  private pending: Buffer | undefined;

  constructor(private readonly onMessage: (message: Buffer, compressed: boolean) => void) {}

  push(chunk: Buffer): void {
    const data = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = undefined;
    let offset = 0;
    while (data.length - offset >= PREFIX_BYTES) {
      const end = offset + PREFIX_BYTES + data.readUInt32BE(offset + 1);
      if (end > data.length) break;
      this.onMessage(data.subarray(offset + PREFIX_BYTES, end), data[offset] !== 0);
      offset = end;
    }
    if (offset < data.length) this.pending = data.subarray(offset);
  }

  /** Bytes of an unfinished frame; non-zero at end of stream means the server cut a message short. */
  get bufferedBytes(): number {
    return this.pending?.length ?? 0;
  }
}
