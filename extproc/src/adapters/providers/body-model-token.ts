import { applyTextEdits } from "../../pipeline/json-string-values.ts";
import type { ParsedJsonBody } from "../../pipeline/strict-json.ts";

/**
 * The request body with its top-level `model` naming the provider's model, every other byte as
 * the caller sent it (after the gateway's redactions): for providers that read the caller's own
 * API (OpenAI-compatible servers, Azure, Anthropic's native front).
 */
export function withModelToken(body: ParsedJsonBody, model: string): Buffer {
  const span = body.topLevelStrings.get("model");
  const token = JSON.stringify(model);
  const text =
    span && body.text.slice(span.start, span.end) !== token
      ? applyTextEdits(body.text, [{ start: span.start, end: span.end, replacement: token }])
      : body.text;
  return Buffer.from(text, "utf8");
}
