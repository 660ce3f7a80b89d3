import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { GrpcFrameReader, grpcFrame } from "./grpc-frames.ts";
import { RESPONSE_ONEOF_FIELDS, replyOneofField } from "./reply-oneof.ts";

function readAll(chunks: readonly Buffer[]): string[] {
  const messages: string[] = [];
  const reader = new GrpcFrameReader((message) => messages.push(message.toString()));
  for (const chunk of chunks) reader.push(chunk);
  assert.equal(reader.bufferedBytes, 0);
  return messages;
}

describe("gRPC frames", () => {
  const frames = Buffer.concat([
    grpcFrame(Buffer.from("first")),
    grpcFrame(Buffer.alloc(0)),
    grpcFrame(Buffer.from("third")),
  ]);

  test("reads several frames merged into one chunk", () => {
    assert.deepEqual(readAll([frames]), ["first", "", "third"]);
  });

  test("reads frames split at every byte, including inside the length prefix", () => {
    const bytes = [...frames].map((byte) => Buffer.from([byte]));
    assert.deepEqual(readAll(bytes), ["first", "", "third"]);
  });

  test("keeps an unfinished frame until the rest arrives", () => {
    const messages: string[] = [];
    const reader = new GrpcFrameReader((message) => messages.push(message.toString()));
    reader.push(frames.subarray(0, 7));
    assert.deepEqual(messages, []);
    assert.equal(reader.bufferedBytes, 7);
  });

  test("reports the compressed flag", () => {
    const frame = grpcFrame(Buffer.from("x"));
    frame[0] = 1;
    let compressed: boolean | undefined;
    new GrpcFrameReader((_, flag) => {
      compressed = flag;
    }).push(frame);
    assert.equal(compressed, true);
  });
});

describe("reply oneof", () => {
  test("names the oneof from the first tag", () => {
    assert.equal(replyOneofField(Buffer.from([0x0a, 0x00])), RESPONSE_ONEOF_FIELDS.request_headers);
    assert.equal(
      replyOneofField(Buffer.from([0x3a, 0x02, 0x0a, 0x00])),
      RESPONSE_ONEOF_FIELDS.immediate_response,
    );
  });

  test("skips fields outside the oneof and answers 0 for an empty reply", () => {
    // dynamic_metadata (field 8, empty) before response_body (field 4).
    assert.equal(replyOneofField(Buffer.from([0x42, 0x00, 0x22, 0x00])), RESPONSE_ONEOF_FIELDS.response_body);
    assert.equal(replyOneofField(Buffer.alloc(0)), 0);
  });

  test("rejects truncated bytes", () => {
    assert.equal(replyOneofField(Buffer.from([0x42, 0x05, 0x00])), undefined);
    assert.equal(replyOneofField(Buffer.from([0x80])), undefined);
  });
});
