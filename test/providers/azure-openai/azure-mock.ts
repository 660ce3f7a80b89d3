import type { ServerResponse } from "node:http";
import type { RecordedRequest } from "../../demo/mock-server/recorded-request.ts";
import {
  type MockServer,
  type RecordingOptions,
  startMockServer,
} from "../../demo/mock-server/start-mock-server.ts";
import { answerChat } from "./azure-chat-answer.ts";
import { AzureApiError, sendAzureError } from "./azure-error.ts";

/**
 * A small Azure OpenAI resource for tests. It refuses what Azure refuses, in Azure's error shape:
 * a path that is not `/openai/deployments/{deployment}/{operation}`, a missing or unknown
 * `api-version`, a missing or wrong `api-key` (401; a bearer token is not a key), an unknown
 * deployment. Chat completions on a known deployment echo the last user message, JSON or SSE.
 */

export interface AzureMockOptions extends RecordingOptions {
  /** The resource key that `api-key` must carry. */
  apiKey: string;
  /** The `api-version` values the resource accepts. */
  apiVersions?: readonly string[];
  /** Deployment name → the model version it answers as (Azure names the model, not the deployment). */
  deployments?: Readonly<Record<string, string>>;
}

export type AzureMock = MockServer;

const ROUTE = /^\/openai\/deployments\/([^/]+)\/(chat\/completions|completions|embeddings)$/;
const DEFAULT_DEPLOYMENTS: Readonly<Record<string, string>> = { "gpt-4o": "gpt-4o-2024-08-06" };
const DEFAULT_VERSIONS = ["2024-10-21"];

/** Azure refuses bodies over its 25 MB request limit before reading them as JSON. */
const MAX_BODY_BYTES = 25 * 1024 * 1024;

/** Checks in Azure's order (route, version, key, deployment) and answers, or throws AzureApiError. */
function serve(request: RecordedRequest, res: ServerResponse, options: AzureMockOptions): void {
  const url = new URL(request.path, "http://resource.invalid");
  const match = ROUTE.exec(url.pathname);
  if (!match?.[1] || !match[2] || request.method !== "POST") {
    throw new AzureApiError(404, "404", "Resource not found");
  }
  const version = url.searchParams.get("api-version");
  if (version === null) throw new AzureApiError(404, "404", "Resource not found");
  if (!(options.apiVersions ?? DEFAULT_VERSIONS).includes(version)) {
    throw new AzureApiError(400, "BadRequest", "API version not supported");
  }
  if (request.headers["api-key"] !== options.apiKey) {
    throw new AzureApiError(
      401,
      "401",
      "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.",
    );
  }
  const deployment = decodeURIComponent(match[1]);
  const modelVersion = (options.deployments ?? DEFAULT_DEPLOYMENTS)[deployment];
  if (modelVersion === undefined) {
    throw new AzureApiError(
      404,
      "DeploymentNotFound",
      "The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.",
    );
  }
  if (match[2] !== "chat/completions") {
    throw new AzureApiError(
      400,
      "OperationNotSupported",
      `The ${match[2]} operation does not work with the specified model, ${modelVersion}. Please choose different model and try again.`,
    );
  }
  if (request.body.length > MAX_BODY_BYTES) {
    throw new AzureApiError(413, "RequestEntityTooLarge", "The request body is too large.");
  }
  answerChat(request.body, res, modelVersion);
}

export function startAzureMock(options: AzureMockOptions): Promise<AzureMock> {
  return startMockServer({ ...options, maxBodyBytes: MAX_BODY_BYTES }, async (request, res) => {
    try {
      serve(request, res, options);
    } catch (error) {
      if (res.headersSent) res.destroy();
      else if (error instanceof AzureApiError) sendAzureError(res, error);
      else sendAzureError(res, new AzureApiError(500, "InternalServerError", "The server had an error."));
    }
  });
}
