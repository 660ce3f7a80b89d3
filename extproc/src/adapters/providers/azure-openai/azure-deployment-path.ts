import type { ApiKind } from "../../../pipeline/policy-input.ts";

/** The operation under a deployment for each OpenAI API the gateway forwards to Azure. */
const OPERATIONS: Readonly<Partial<Record<ApiKind, string>>> = {
  "openai.chat_completions": "chat/completions",
  "openai.completions": "completions",
  "openai.embeddings": "embeddings",
};

/**
 * `/openai/deployments/{deployment}/{operation}?api-version={version}`, or undefined for an API
 * Azure has no deployment operation for. Azure picks the model by the deployment in the path, not
 * by the body, so the deployment name is encoded: a name is data, never more path or query.
 */
export function azureDeploymentPath(
  api: ApiKind,
  deployment: string,
  apiVersion: string,
): string | undefined {
  const operation = OPERATIONS[api];
  if (operation === undefined) return undefined;
  const query = new URLSearchParams({ "api-version": apiVersion });
  return `/openai/deployments/${encodeURIComponent(deployment)}/${operation}?${query.toString()}`;
}
