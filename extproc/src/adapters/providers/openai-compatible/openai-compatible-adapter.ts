import { applyTextEdits } from "../../../pipeline/json-string-values.ts";
import type { ProviderAdapter, StreamTranslator } from "../../../pipeline/provider-translation.ts";

/**
 * OpenAI itself and OpenAI-compatible servers (vLLM, Ollama, the demo upstream): the request keeps
 * its path and every byte but the model name, which becomes the provider's; answers pass as they are.
 */
export const openAiCompatibleAdapter: ProviderAdapter = {
  translateRequest(_api, body, model) {
    const span = body.topLevelStrings.get("model");
    const text =
      span && body.text.slice(span.start, span.end) !== JSON.stringify(model)
        ? applyTextEdits(body.text, [
            { start: span.start, end: span.end, replacement: JSON.stringify(model) },
          ])
        : body.text;
    return { ok: true, value: { method: "POST", path: "", headers: {}, body: Buffer.from(text, "utf8") } };
  },
  translatesAnswers: false,
  translateAnswer: (status, body) => ({ status, body, usage: undefined }),
  streamTranslator: (): StreamTranslator => ({
    push: (chunk) => chunk,
    end: () => Buffer.alloc(0),
    usage: () => undefined,
  }),
  credentialHeaders: (key) => [{ name: "authorization", value: `Bearer ${key}` }],
};
