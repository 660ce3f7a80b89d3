import type { ServerResponse } from "node:http";
import { sendJson } from "../mock-server/send-json.ts";
import { generate } from "./generate-answer.ts";
import { GoogleApiError } from "./google-error.ts";
import { parseGenerateContent } from "./request-body.ts";
import { streamEvents, wholeResponse } from "./response-bodies.ts";
import { sendCutJson, sendJsonArrayStream, sendSseStream } from "./response-stream.ts";

/**
 * `:generateContent` and `:streamGenerateContent`. Model names choose failures for failover tests:
 * "fail-503" → 503 UNAVAILABLE, "fail-429" → 429 RESOURCE_EXHAUSTED, "fail-cut" → the connection
 * drops half-way through the answer.
 */

export interface GenerateCall {
  readonly model: string;
  readonly stream: boolean;
  /** `alt=sse`; without it Gemini streams one JSON array. */
  readonly sse: boolean;
}

function failureFor(model: string): GoogleApiError | undefined {
  if (model.includes("fail-503")) {
    return new GoogleApiError("UNAVAILABLE", "The model is overloaded. Please try again later.");
  }
  if (model.includes("fail-429")) {
    return new GoogleApiError(
      "RESOURCE_EXHAUSTED",
      "You exceeded your current quota, please check your plan and billing details.",
    );
  }
  return undefined;
}

export function checkModel(model: string, method: string): void {
  if (!model.startsWith("gemini-")) {
    throw new GoogleApiError(
      "NOT_FOUND",
      `models/${model} is not found for API version v1beta, or is not supported for ${method}. Call ListModels to see the list of available models and their supported methods.`,
    );
  }
}

export async function generateContent(raw: Buffer, res: ServerResponse, call: GenerateCall): Promise<void> {
  const request = parseGenerateContent(raw);
  const failure = failureFor(call.model);
  if (failure) throw failure;
  const generated = generate(request);
  const cut = call.model.includes("fail-cut");
  if (!call.stream) {
    const body = wholeResponse(generated, call.model);
    if (cut) sendCutJson(res, body);
    else sendJson(res, 200, body);
    return;
  }
  const events = streamEvents(generated, call.model);
  const send = call.sse ? sendSseStream : sendJsonArrayStream;
  await send(res, cut ? events.slice(0, Math.max(1, Math.floor(events.length / 2))) : events, cut);
}
