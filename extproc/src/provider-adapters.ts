import { readFileSync } from "node:fs";
import { anthropicAdapter } from "./adapters/providers/anthropic/anthropic-adapter.ts";
import { azureOpenAiAdapter } from "./adapters/providers/azure-openai/azure-openai-adapter.ts";
import { geminiAdapter } from "./adapters/providers/gemini/gemini-adapter.ts";
import { openAiCompatibleAdapter } from "./adapters/providers/openai-compatible/openai-compatible-adapter.ts";
import type { ProviderKeySource } from "./config.ts";
import type { ProviderAdapter, ProviderApi } from "./pipeline/provider-translation.ts";

export const PROVIDER_ADAPTERS: ReadonlyMap<ProviderApi, ProviderAdapter> = new Map<
  ProviderApi,
  ProviderAdapter
>([
  ["openai", openAiCompatibleAdapter],
  ["anthropic", anthropicAdapter],
  ["gemini", geminiAdapter],
  ["azure-openai", azureOpenAiAdapter],
]);

/** Resolves provider keys once at start; a secret file that cannot be read stops the gateway. */
export function loadProviderKeys(sources: readonly ProviderKeySource[]): ReadonlyMap<string, string> {
  const keys = new Map<string, string>();
  for (const source of sources) {
    if ("value" in source) {
      keys.set(source.provider, source.value);
      continue;
    }
    try {
      keys.set(source.provider, readFileSync(source.file, "utf8").trim());
    } catch (error) {
      throw new Error(
        `cannot read the key file for provider '${source.provider}': ${(error as Error).message}`,
      );
    }
  }
  return keys;
}
