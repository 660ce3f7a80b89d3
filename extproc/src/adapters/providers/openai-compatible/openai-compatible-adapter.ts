import type { ProviderAdapter, StreamTranslator } from "../../../pipeline/provider-translation.ts";
import { withModelToken } from "../body-model-token.ts";
import { unsupportedFeature } from "../translation-result.ts";

const API_PATHS: Readonly<Record<string, string>> = {
  "openai.chat_completions": "/v1/chat/completions",
  "openai.completions": "/v1/completions",
  "openai.embeddings": "/v1/embeddings",
};

/**
 * OpenAI itself and OpenAI-compatible servers (vLLM, Ollama, the demo upstream): the request keeps
 * every byte but the model name, which becomes the provider's; answers pass as they are. The path
 * is set from the API on every attempt, since an earlier attempt may have sent it elsewhere.
 */
export const openAiCompatibleAdapter: ProviderAdapter = {
  translateRequest(api, body, model) {
    const path = API_PATHS[api];
    if (!path) return unsupportedFeature(`${api} cannot be forwarded`, null);
    const headers = { "content-type": "application/json" };
    return { ok: true, value: { method: "POST", path, headers, body: withModelToken(body, model) } };
  },
  translatesAnswers: () => false,
  callerHeaders: () => [],
  translateAnswer: (status, body) => ({ status, body, usage: undefined }),
  streamTranslator: (): StreamTranslator => ({
    push: (chunk) => chunk,
    end: () => Buffer.alloc(0),
    usage: () => undefined,
    failure: () => undefined,
  }),
  refusesGatewayKey: () => false,
  ownedHeaders: ["authorization", "api-key", "openai-organization", "openai-project"],
  credentialHeaders: (key) => [{ name: "authorization", value: `Bearer ${key}` }],
};
