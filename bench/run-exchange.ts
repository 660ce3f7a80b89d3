import { performance } from "node:perf_hooks";
import * as grpc from "@grpc/grpc-js";
import type { ExternalProcessorClient } from "../proto/generated/envoy/service/ext_proc/v3/ExternalProcessor.ts";
import type { ProcessingResponse__Output } from "../proto/generated/envoy/service/ext_proc/v3/ProcessingResponse.ts";
import type { ExchangeStep } from "./chat-exchange-fixture.ts";

/** A failed exchange; `kind` groups failures in the report, `message` keeps one example. */
export class ExchangeError extends Error {
  constructor(
    readonly kind: string,
    message: string,
  ) {
    super(message);
  }
}

function describeImmediate(reply: ProcessingResponse__Output): ExchangeError {
  const immediate = reply.immediate_response;
  const status = immediate?.status?.code ?? "unset";
  const body = immediate?.body?.toString("utf8").slice(0, 200) ?? "";
  return new ExchangeError(`immediate_response ${status}`, `processor answered itself (${status}): ${body}`);
}

/**
 * Plays one HTTP request's ext_proc stream the way Envoy does: send a message, wait for its reply,
 * then the next; half-close after the last reply and wait for the server to finish the stream.
 * Resolves with the latency Envoy would add to the request (first message to last reply, in ms).
 */
export function runExchange(
  client: ExternalProcessorClient,
  steps: readonly ExchangeStep[],
  timeoutMs: number,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const call = client.Process();
    const startedAt = performance.now();
    let next = 0;
    let latencyMs: number | undefined;
    let settled = false;

    const finish = (error: ExchangeError | undefined): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) {
        call.cancel();
        reject(error);
      } else {
        resolve(latencyMs ?? Number.NaN);
      }
    };
    const timer = setTimeout(() => {
      const phase =
        latencyMs === undefined ? `waiting for the ${steps[next]?.expect} reply` : "waiting for close";
      finish(new ExchangeError("timeout", `no progress within ${timeoutMs} ms (${phase})`));
    }, timeoutMs);

    call.on("data", (reply: ProcessingResponse__Output) => {
      if (reply.response === "immediate_response") return finish(describeImmediate(reply));
      const expected = steps[next]?.expect;
      if (latencyMs !== undefined || reply.response !== expected) {
        return finish(
          new ExchangeError(
            "spurious reply",
            `expected ${expected ?? "no reply"}, got ${reply.response ?? "an empty reply"}`,
          ),
        );
      }
      next += 1;
      const step = steps[next];
      if (step) {
        call.write(step.message);
        return;
      }
      latencyMs = performance.now() - startedAt;
      call.end();
    });
    call.on("error", (error: grpc.ServiceError) => {
      finish(
        new ExchangeError(`grpc ${grpc.status[error.code] ?? error.code}`, error.details || error.message),
      );
    });
    call.on("status", (status: grpc.StatusObject) => {
      if (status.code !== grpc.status.OK) return; // reported through "error"
      if (latencyMs === undefined) {
        return finish(
          new ExchangeError("closed early", `stream closed after ${next} of ${steps.length} replies`),
        );
      }
      finish(undefined);
    });

    const first = steps[0];
    if (!first) return finish(new ExchangeError("no steps", "nothing to send"));
    call.write(first.message);
  });
}
