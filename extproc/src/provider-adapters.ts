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

/**
 * Resolves provider keys once at start; a key that cannot be used stops the gateway rather than
 * every request to its provider: a secret file that cannot be read, or that holds no key (an empty
 * mount would send requests without credentials) or more than one line (a header value cannot
 * carry a line break).
 */
export function loadProviderKeys(sources: readonly ProviderKeySource[]): ReadonlyMap<string, string> {
  const keys = new Map<string, string>();
  for (const source of sources) {
    const key = "value" in source ? source.value.trim() : readKeyFile(source.provider, source.file);
    if (!HEADER_SAFE_KEY.test(key)) {
      throw new Error(`the key of provider '${source.provider}' is empty or not a single line of text`);
    }
    keys.set(source.provider, key);
  }
  return keys;
}

/** Visible ASCII and inner spaces: what any provider's key header can carry as is. */
const HEADER_SAFE_KEY = /^[\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?$/;

function readKeyFile(provider: string, file: string): string {
  try {
    return readFileSync(file, "utf8").trim();
  } catch (error) {
    throw new Error(`cannot read the key file for provider '${provider}': ${(error as Error).message}`);
  }
}
