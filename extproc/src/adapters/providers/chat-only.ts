import type { ApiKind } from "../../pipeline/policy-input.ts";
import type { Translated } from "../../pipeline/provider-translation.ts";
import { unsupportedFeature } from "./translation-result.ts";

/**
 * The refusal for an API a translating provider does not serve: it takes OpenAI chat (translated)
 * and its own native front (passed through), nothing else; there is no translation between one
 * provider's native API and another provider.
 */
export function chatOnly(provider: string, api: ApiKind): Translated<never> | undefined {
  if (api === "openai.chat_completions") return undefined;
  return unsupportedFeature(
    `the ${provider} provider serves chat completions and its own native API only, not ${api}`,
    null,
  );
}
