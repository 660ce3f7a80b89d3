import type { ProviderAdapter } from "../../../pipeline/provider-translation.ts";
import { openAiCompatibleAdapter } from "../openai-compatible/openai-compatible-adapter.ts";
import { unsupportedFeature } from "../translation-result.ts";
import { azureDeploymentPath } from "./azure-deployment-path.ts";

/**
 * Azure OpenAI: OpenAI's bodies and answers, but the model is chosen by a deployment in the path,
 * the version by an `api-version` query parameter, and the key goes in `api-key`. The body is the
 * OpenAI-compatible one (every byte but the model token, which names the deployment; Azure ignores
 * it), so only the path and the credential differ; answers pass as they are.
 */
export const azureOpenAiAdapter: ProviderAdapter = {
  ...openAiCompatibleAdapter,
  translateRequest(api, body, model, provider) {
    // The provider directory refuses an azure-openai provider without api_version at bundle load,
    // so this is a wiring fault (an adapter given another provider's info), not a caller's error.
    if (provider.api_version === undefined) {
      throw new Error("an azure-openai provider reached the adapter without api_version");
    }
    const path = azureDeploymentPath(api, model, provider.api_version);
    if (path === undefined) {
      return unsupportedFeature(`${api} cannot be forwarded to an Azure OpenAI deployment`, null);
    }
    const request = openAiCompatibleAdapter.translateRequest(api, body, model, provider);
    return request.ok ? { ok: true, value: { ...request.value, path } } : request;
  },
  // `authorization` too: a caller's or another provider's bearer token must never reach Azure,
  // which would read it as an Entra ID token.
  ownedHeaders: ["api-key", "authorization"],
  credentialHeaders: (key) => [{ name: "api-key", value: key }],
};
