import { randomBytes } from "node:crypto";
import { loadExtProcPackage } from "../proto/envoy-ext-proc.ts";
import type { ChatExchangeFixture } from "./chat-exchange-fixture.ts";
import { ExchangeError } from "./exchange-error.ts";
import { grpcFrame } from "./grpc-frames.ts";
import { RESPONSE_ONEOF_FIELDS, type ResponseOneof } from "./reply-oneof.ts";

/**
 * The fixture's four ProcessingRequests, encoded once with the gateway's own proto loading and
 * framed for gRPC. Per request the client only copies the two header messages and writes a fresh
 * x-request-id into them, so encoding costs the load generator next to nothing.
 */

const COUNTER_DIGITS = 12;

export interface EncodedExchange {
  /** gRPC frames for one request, in send order; each call carries a new x-request-id. */
  nextFrames(): Buffer[];
  /** The reply oneof Envoy waits for after each frame, by field number and by name. */
  expectFields: readonly number[];
  expectNames: readonly ResponseOneof[];
  /** Error path only: decodes a reply fully to say what the server answered instead. */
  unexpectedReply(message: Buffer, step: number): ExchangeError;
}

interface IdTemplate {
  frame: Buffer;
  /** Where the counter digits of the x-request-id sit in the frame. */
  offsets: number[];
}

function templateFor(frame: Buffer, placeholder: Buffer): IdTemplate {
  const offsets: number[] = [];
  for (let at = frame.indexOf(placeholder); at !== -1; at = frame.indexOf(placeholder, at + 1)) {
    offsets.push(at + placeholder.length - COUNTER_DIGITS);
  }
  return { frame, offsets };
}

function stamp(template: IdTemplate, counter: number): Buffer {
  const frame = Buffer.from(template.frame);
  for (const offset of template.offsets) {
    let rest = counter;
    for (let i = offset + COUNTER_DIGITS - 1; i >= offset; i -= 1) {
      frame[i] = 0x30 + (rest % 10);
      rest = Math.floor(rest / 10);
    }
  }
  return frame;
}

export function encodeExchange(fixture: ChatExchangeFixture): EncodedExchange {
  const process = loadExtProcPackage().envoy.service.ext_proc.v3.ExternalProcessor.service.Process;
  // A fixed-length id ("bench-<run>-<counter>") so the counter can be rewritten in place.
  const placeholderId = `bench-${randomBytes(6).toString("hex")}-${"0".repeat(COUNTER_DIGITS)}`;
  const placeholder = Buffer.from(placeholderId);
  const steps = fixture.steps(placeholderId);
  const templates = steps.map((step) =>
    templateFor(grpcFrame(process.requestSerialize(step.message)), placeholder),
  );
  const expectNames = steps.map((step) => {
    if (!(step.expect in RESPONSE_ONEOF_FIELDS)) throw new Error(`no field number for ${step.expect}`);
    return step.expect as ResponseOneof;
  });
  let counter = 0;

  return {
    nextFrames: () => {
      counter += 1;
      return templates.map((t) => (t.offsets.length === 0 ? t.frame : stamp(t, counter)));
    },
    expectFields: expectNames.map((name) => RESPONSE_ONEOF_FIELDS[name]),
    expectNames,
    unexpectedReply: (message, step) => {
      const expected = expectNames[step] ?? "no reply";
      let reply: ReturnType<typeof process.responseDeserialize>;
      try {
        reply = process.responseDeserialize(message);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        return new ExchangeError("malformed reply", `expected ${expected}, got undecodable bytes: ${reason}`);
      }
      if (reply.response === "immediate_response") {
        const status = reply.immediate_response?.status?.code ?? "unset";
        const body = reply.immediate_response?.body?.toString("utf8").slice(0, 200) ?? "";
        return new ExchangeError(
          `immediate_response ${status}`,
          `processor answered itself (${status}): ${body}`,
        );
      }
      return new ExchangeError(
        "spurious reply",
        `expected ${expected}, got ${reply.response ?? "an empty reply"}`,
      );
    },
  };
}
