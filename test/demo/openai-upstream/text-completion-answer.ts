import type { ServerResponse } from "node:http";
import { sendEventStream, splitForStreaming } from "./event-stream.ts";
import { sendJson } from "./json-response.ts";
import { parseBody, rejectStreamOptionsWithoutStream } from "./request-body.ts";
import { CompletionRequest } from "./request-schemas.ts";
import { newId, nowSeconds } from "./response-stamps.ts";
import { countTokens, truncateToTokens } from "./token-count.ts";

/** POST /v1/completions (legacy): one echo choice per prompt, whole or as a chunk stream. */

function promptTexts(prompt: CompletionRequest["prompt"]): string[] {
  if (typeof prompt === "string") return [prompt];
  if (prompt.length === 0) return [""];
  if (typeof prompt[0] === "string") return prompt as string[];
  if (typeof prompt[0] === "number") return [(prompt as number[]).join(" ")];
  return (prompt as number[][]).map((tokens) => tokens.join(" "));
}

export async function completions(raw: Buffer, res: ServerResponse): Promise<void> {
  const body = parseBody(raw, CompletionRequest, ["model", "prompt"]);
  rejectStreamOptionsWithoutStream(body);
  const prompts = promptTexts(body.prompt);
  const answers = prompts.map((p) => truncateToTokens(`Echo: ${p}`, body.max_tokens));
  const promptTokens = prompts.reduce((sum, p) => sum + countTokens(p), 0);
  const completionTokens = answers.reduce((sum, a) => sum + countTokens(a.text), 0);
  const usage = {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
  };
  const base = { id: newId("cmpl-"), object: "text_completion", created: nowSeconds(), model: body.model };

  if (body.stream !== true) {
    sendJson(res, 200, {
      ...base,
      choices: answers.map((a, index) => ({
        text: a.text,
        index,
        logprobs: null,
        finish_reason: a.cut ? "length" : "stop",
      })),
      usage,
    });
    return;
  }

  const withUsage = body.stream_options?.include_usage === true;
  const usageField = withUsage ? { usage: null } : {};
  const events: unknown[] = answers.flatMap((a, index) => [
    ...splitForStreaming(a.text).map((text) => ({
      ...base,
      choices: [{ text, index, logprobs: null, finish_reason: null }],
      ...usageField,
    })),
    {
      ...base,
      choices: [{ text: "", index, logprobs: null, finish_reason: a.cut ? "length" : "stop" }],
      ...usageField,
    },
  ]);
  if (withUsage) events.push({ ...base, choices: [], usage });
  await sendEventStream(res, events);
}
