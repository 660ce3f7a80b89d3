import type { ServerResponse } from "node:http";
import { checkConversation } from "./conversation-rules.ts";
import { answerEvents, sendEvents } from "./event-stream.ts";
import { answerDelayMs, cutsMidway, forcedError } from "./forced-failures.ts";
import { anthropicId } from "./ids.ts";
import { sendJson } from "./json-response.ts";
import { answer } from "./message-answer.ts";
import { parseMessagesRequest } from "./request-body.ts";

/** POST /v1/messages: validates like Anthropic, then answers whole or as an event stream. */

export async function createMessage(raw: Buffer, res: ServerResponse, requestId: string): Promise<void> {
  const request = parseMessagesRequest(raw);
  checkConversation(request);
  const forced = forcedError(request.model);
  if (forced) throw forced;
  const delayMs = answerDelayMs(request.model);
  if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
  const id = anthropicId("msg");
  const result = answer(request);
  if (request.stream === true) {
    const events = answerEvents(id, request.model, result);
    // Cut after the first text delta: the client has seen part of an answer, not its end.
    await sendEvents(res, events, requestId, cutsMidway(request.model) ? 4 : undefined);
    return;
  }
  const message = { id, type: "message", role: "assistant", model: request.model, ...result };
  if (cutsMidway(request.model)) {
    const payload = Buffer.from(JSON.stringify(message));
    res.writeHead(200, {
      "content-type": "application/json",
      "content-length": payload.length,
      "request-id": requestId,
    });
    res.write(payload.subarray(0, payload.length >> 1), () => res.destroy());
    return;
  }
  sendJson(res, 200, message, requestId);
}
