import type { ServerResponse } from "node:http";
import { chatCompletions } from "./chat-completion-answer.ts";
import { embeddings } from "./embedding-answer.ts";
import { listModels, retrieveModel } from "./models-answer.ts";
import { completions } from "./text-completion-answer.ts";

/** Which answer serves which OpenAI path; a handler throws ApiError to answer with an error. */

export type Handler = (body: Buffer, res: ServerResponse) => void | Promise<void>;

export interface Route {
  method: "GET" | "POST";
  handler: Handler;
}

const ROUTES: ReadonlyMap<string, Route> = new Map([
  ["/v1/chat/completions", { method: "POST", handler: chatCompletions }],
  ["/v1/completions", { method: "POST", handler: completions }],
  ["/v1/embeddings", { method: "POST", handler: embeddings }],
  ["/v1/models", { method: "GET", handler: listModels }],
]);

export function findRoute(pathname: string): Route | undefined {
  const exact = ROUTES.get(pathname);
  if (exact) return exact;
  const model = /^\/v1\/models\/([^/]+)$/.exec(pathname);
  if (model?.[1]) {
    const id = decodeURIComponent(model[1]);
    return { method: "GET", handler: (_raw, res) => retrieveModel(id, res) };
  }
  return undefined;
}
