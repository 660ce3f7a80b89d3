import type { ApiKind } from "../../pipeline/policy-input.ts";
import type { TranslationFailure } from "../../pipeline/provider-translation.ts";

/** The refusal for an API a translating provider does not serve (it only speaks chat). */
export function chatOnly(provider: string, api: ApiKind): TranslationFailure | undefined {
  if (api === "openai.chat_completions") return undefined;
  return {
    status: 422,
    code: "unsupported_feature",
    message: `the ${provider} provider serves chat completions only, not ${api}`,
    param: null,
  };
}
