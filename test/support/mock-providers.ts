import { type AnthropicUpstream, startAnthropicUpstream } from "../demo/anthropic-upstream/index.ts";
import { type GeminiUpstream, startGeminiUpstream } from "../demo/gemini-upstream/index.ts";
import { type DemoUpstream, startDemoUpstream } from "../demo/openai-upstream/index.ts";
import { type AzureMock, startAzureMock } from "../providers/azure-openai/azure-mock.ts";

/** The API keys the mock providers demand, i.e. the keys the gateway must hold for them. */
export interface MockProviderKeys {
  readonly anthropic: string;
  readonly gemini: string;
  readonly azure: string;
}

/**
 * Every provider the shipped Envoy config routes to, as local mocks that validate like the real
 * APIs: the OpenAI-compatible demo server (also standing in for the self-hosted "local"
 * provider), Anthropic, Gemini and Azure OpenAI. Used by the end-to-end tests and `npm start`.
 */
export interface MockProviders {
  readonly openai: DemoUpstream;
  readonly anthropic: AnthropicUpstream;
  readonly gemini: GeminiUpstream;
  readonly azure: AzureMock;
  /** Envoy cluster name → the mock's URL, for the harness. */
  readonly clusters: Readonly<Record<string, string>>;
  /** GATEWAY_PROVIDER_KEY_* settings that give the gateway the mocks' keys. */
  readonly keyEnv: Readonly<Record<string, string>>;
  close(): Promise<void>;
}

export async function startMockProviders(keys: MockProviderKeys, record = true): Promise<MockProviders> {
  const host = "127.0.0.1";
  const openai = await startDemoUpstream({ host, port: 0, record });
  const anthropic = await startAnthropicUpstream({ host, port: 0, apiKey: keys.anthropic, record });
  const gemini = await startGeminiUpstream({ host, port: 0, apiKey: keys.gemini, record });
  const azure = await startAzureMock({ host, port: 0, apiKey: keys.azure, record });
  return {
    openai,
    anthropic,
    gemini,
    azure,
    clusters: {
      provider_demo: openai.url,
      provider_local: openai.url,
      provider_anthropic: anthropic.url,
      provider_gemini: gemini.url,
      provider_azure: azure.url,
    },
    keyEnv: {
      GATEWAY_PROVIDER_KEY_ANTHROPIC: keys.anthropic,
      GATEWAY_PROVIDER_KEY_GEMINI: keys.gemini,
      GATEWAY_PROVIDER_KEY_AZURE: keys.azure,
    },
    close: async () => {
      await Promise.all([openai.close(), anthropic.close(), gemini.close(), azure.close()]);
    },
  };
}
