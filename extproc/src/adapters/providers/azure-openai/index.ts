/**
 * Azure OpenAI adapter: OpenAI-shaped requests sent to a deployment path with `api-version` and
 * the `api-key` credential; answers need no translation.
 */
export { azureDeploymentPath } from "./azure-deployment-path.ts";
export { azureOpenAiAdapter } from "./azure-openai-adapter.ts";
