import { createHash, randomBytes } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { z } from "zod";

/**
 * A small OpenAI-compatible provider for the demo and the end-to-end tests. It validates requests
 * the way OpenAI does (same status codes, same error shape) so that a gateway bug that mangles a
 * body shows up as the provider's 400, and it records every request so tests can assert what the
 * provider really received after the gateway rewrote it.
 */

export interface RecordedRequest {
  method: string;
  /** Path including the query string, as it arrived. */
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface DemoUpstreamOptions {
  port?: number;
  host?: string;
  /** When set, requests must carry `Authorization: Bearer <apiKey>` (lets tests prove credential injection). */
  apiKey?: string;
  /** Defaults to true; a long-running demo turns it off so memory stays flat. */
  record?: boolean;
}

export interface DemoUpstream {
  url: string;
  port: number;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export const DEMO_MODELS: readonly string[] = [
  "gpt-4o-mini",
  "gpt-4o",
  "gpt-3.5-turbo-instruct",
  "text-embedding-3-small",
];

const EMBEDDING_DIMENSIONS = 8;
// Generous, but bounded so a runaway client cannot exhaust the demo's memory.
const MAX_BODY_BYTES = 16 * 1024 * 1024;
const MAX_STREAM_CHUNKS = 32;

// ---------------------------------------------------------------------------------------------
// Request schemas (only the fields the demo acts on; unknown fields pass, as they do at OpenAI)

const TextPart = z.object({ type: z.literal("text"), text: z.string() });
const OtherPart = z.object({ type: z.string() });
const MessageContent = z.union([z.string(), z.array(z.union([TextPart, OtherPart]))]).nullable();

const ChatMessage = z.object({
  role: z.enum(["system", "developer", "user", "assistant", "tool", "function"]),
  content: MessageContent.optional(),
});

const StreamOptions = z.object({ include_usage: z.boolean().optional() }).nullable().optional();

const ChatRequest = z.object({
  model: z.string(),
  messages: z.array(ChatMessage).min(1),
  stream: z.boolean().nullable().optional(),
  stream_options: StreamOptions,
  max_tokens: z.number().int().positive().nullable().optional(),
  max_completion_tokens: z.number().int().positive().nullable().optional(),
});
type ChatRequest = z.infer<typeof ChatRequest>;

const CompletionRequest = z.object({
  model: z.string(),
  prompt: z.union([
    z.string(),
    z.array(z.string()).min(1),
    z.array(z.number()),
    z.array(z.array(z.number())),
  ]),
  stream: z.boolean().nullable().optional(),
  stream_options: StreamOptions,
  max_tokens: z.number().int().positive().nullable().optional(),
});

const EmbeddingRequest = z.object({
  model: z.string(),
  input: z.union([
    z.string().min(1),
    z.array(z.string().min(1)).min(1),
    z.array(z.number()).min(1),
    z.array(z.array(z.number()).min(1)).min(1),
  ]),
  encoding_format: z.enum(["float", "base64"]).optional(),
});

// ---------------------------------------------------------------------------------------------
// Errors in OpenAI's shape

class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly param: string | null = null,
    readonly code: string | null = null,
    readonly type = "invalid_request_error",
  ) {
    super(message);
  }
}

function paramPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, key) => {
    if (typeof key === "number") return `${acc}[${key}]`;
    return acc === "" ? String(key) : `${acc}.${String(key)}`;
  }, "");
}

function validationError(error: z.ZodError): ApiError {
  const issue = error.issues[0];
  if (!issue) return new ApiError(400, "Invalid request body.");
  const param = paramPath(issue.path);
  const label = param === "" ? "body" : `'${param}'`;
  if (issue.code === "too_small" && issue.origin === "array") {
    return new ApiError(
      400,
      `Invalid ${label}: empty array. Expected an array with minimum length 1, but got an empty array instead.`,
      param,
      "empty_array",
    );
  }
  if (issue.code === "too_small" && issue.origin === "string") {
    return new ApiError(
      400,
      `Invalid ${label}: string too short. Expected a non-empty string.`,
      param,
      "invalid_value",
    );
  }
  if (issue.code === "invalid_value") {
    const supported = issue.values.map((v) => `'${String(v)}'`).join(", ");
    return new ApiError(
      400,
      `Invalid value for ${label}. Supported values are: ${supported}.`,
      param,
      "invalid_value",
    );
  }
  if (issue.code === "invalid_type" || issue.code === "invalid_union") {
    return new ApiError(400, `Invalid type for ${label}: ${issue.message}.`, param, "invalid_type");
  }
  return new ApiError(400, `Invalid ${label}: ${issue.message}.`, param, "invalid_value");
}

function requireParams(body: Record<string, unknown>, required: readonly string[]): void {
  // OpenAI answers a missing model with this exact wording and no param, unlike other fields.
  if (required.includes("model") && body.model === undefined) {
    throw new ApiError(400, "you must provide a model parameter");
  }
  for (const name of required) {
    if (body[name] === undefined) {
      throw new ApiError(400, `Missing required parameter: '${name}'.`, name, "missing_required_parameter");
    }
  }
}

function parseBody<T>(raw: Buffer, schema: z.ZodType<T>, required: readonly string[]): T {
  let json: unknown;
  try {
    json = JSON.parse(raw.toString("utf8"));
  } catch {
    throw new ApiError(
      400,
      "We could not parse the JSON body of your request. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.",
    );
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new ApiError(400, "Invalid type for body: expected an object.", null, "invalid_type");
  }
  requireParams(json as Record<string, unknown>, required);
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw validationError(parsed.error);
  return parsed.data;
}

function rejectStreamOptionsWithoutStream(body: { stream?: boolean | null; stream_options?: unknown }): void {
  if (body.stream !== true && body.stream_options !== undefined && body.stream_options !== null) {
    throw new ApiError(
      400,
      "The 'stream_options' parameter is only allowed when 'stream' is enabled.",
      "stream_options",
      "invalid_value",
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Deterministic model behaviour

/** A rough tokenizer stand-in: about four characters per token, like OpenAI's rule of thumb. */
function countTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

function contentText(content: z.infer<typeof MessageContent> | undefined): string {
  if (content === null || content === undefined) return "";
  if (typeof content === "string") return content;
  return content.map((part) => ("text" in part && typeof part.text === "string" ? part.text : "")).join("");
}

function chatAnswer(messages: ChatRequest["messages"]): string {
  const lastUser = [...messages].reverse().find((m) => m.role === "user") ?? messages[messages.length - 1];
  return `Echo: ${contentText(lastUser?.content)}`;
}

function chatPromptTokens(messages: ChatRequest["messages"]): number {
  // Per-message and per-reply overheads mirror OpenAI's chat accounting closely enough for tests.
  return messages.reduce((sum, m) => sum + 4 + countTokens(contentText(m.content)), 3);
}

function truncateToTokens(
  text: string,
  maxTokens: number | null | undefined,
): { text: string; cut: boolean } {
  if (maxTokens === null || maxTokens === undefined || countTokens(text) <= maxTokens)
    return { text, cut: false };
  return { text: text.slice(0, maxTokens * 4), cut: true };
}

function promptTexts(prompt: z.infer<typeof CompletionRequest>["prompt"]): string[] {
  if (typeof prompt === "string") return [prompt];
  if (prompt.length === 0) return [""];
  if (typeof prompt[0] === "string") return prompt as string[];
  if (typeof prompt[0] === "number") return [(prompt as number[]).join(" ")];
  return (prompt as number[][]).map((tokens) => tokens.join(" "));
}

function embeddingInputs(input: z.infer<typeof EmbeddingRequest>["input"]): string[] {
  if (typeof input === "string") return [input];
  if (typeof input[0] === "string") return input as string[];
  if (typeof input[0] === "number") return [(input as number[]).join(" ")];
  return (input as number[][]).map((tokens) => tokens.join(" "));
}

/** Unit-length vector derived from the text's SHA-256, so equal inputs embed equally. */
export function demoEmbedding(text: string): number[] {
  const digest = createHash("sha256").update(text).digest();
  const raw = Array.from({ length: EMBEDDING_DIMENSIONS }, (_, i) => digest.readInt16BE(i * 2) / 32768);
  const norm = Math.hypot(...raw) || 1;
  return raw.map((v) => Math.fround(v / norm));
}

function encodeEmbedding(vector: number[], format: "float" | "base64" | undefined): number[] | string {
  if (format !== "base64") return vector;
  // OpenAI's base64 format is little-endian float32; the SDK asks for it by default.
  return Buffer.from(new Float32Array(vector).buffer).toString("base64");
}

function splitForStreaming(text: string): string[] {
  const words = text.match(/\s*\S+\s*/g) ?? [text];
  const perChunk = Math.ceil(words.length / MAX_STREAM_CHUNKS);
  const chunks: string[] = [];
  for (let i = 0; i < words.length; i += perChunk) chunks.push(words.slice(i, i + perChunk).join(""));
  return chunks;
}

function newId(prefix: string): string {
  return `${prefix}${randomBytes(12).toString("base64url")}`;
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

// ---------------------------------------------------------------------------------------------
// HTTP plumbing

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const payload = Buffer.from(JSON.stringify(body));
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": payload.length,
    "x-request-id": newId("req_"),
  });
  res.end(payload);
}

function sendError(res: ServerResponse, error: ApiError): void {
  sendJson(res, error.status, {
    error: { message: error.message, type: error.type, param: error.param, code: error.code },
  });
}

/** Resolves once the chunk has been handed to the socket, so each event leaves as its own write. */
function writeChunk(res: ServerResponse, text: string): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off("close", done);
      setImmediate(resolve);
    };
    res.once("close", done);
    res.write(text, done);
  });
}

async function sendEventStream(res: ServerResponse, events: readonly unknown[]): Promise<void> {
  res.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache",
    "x-request-id": newId("req_"),
  });
  res.flushHeaders();
  for (const event of events) {
    if (res.destroyed) return;
    await writeChunk(res, `data: ${JSON.stringify(event)}\n\n`);
  }
  if (res.destroyed) return;
  await writeChunk(res, "data: [DONE]\n\n");
  res.end();
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

// ---------------------------------------------------------------------------------------------
// Endpoints

type Handler = (body: Buffer, res: ServerResponse) => void | Promise<void>;

async function chatCompletions(raw: Buffer, res: ServerResponse): Promise<void> {
  const body = parseBody(raw, ChatRequest, ["model", "messages"]);
  rejectStreamOptionsWithoutStream(body);
  const id = newId("chatcmpl-");
  const created = nowSeconds();
  const answer = truncateToTokens(chatAnswer(body.messages), body.max_completion_tokens ?? body.max_tokens);
  const finishReason = answer.cut ? "length" : "stop";
  const promptTokens = chatPromptTokens(body.messages);
  const completionTokens = countTokens(answer.text);
  const usage = {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0 },
  };
  const base = { id, created, model: body.model, system_fingerprint: "fp_demo", service_tier: "default" };

  if (body.stream !== true) {
    sendJson(res, 200, {
      ...base,
      object: "chat.completion",
      choices: [
        {
          index: 0,
          message: { role: "assistant", content: answer.text, refusal: null, annotations: [] },
          logprobs: null,
          finish_reason: finishReason,
        },
      ],
      usage,
    });
    return;
  }

  const withUsage = body.stream_options?.include_usage === true;
  // With include_usage OpenAI sends `usage: null` on every chunk but the last.
  const usageField = withUsage ? { usage: null } : {};
  const chunk = (delta: Record<string, unknown>, finish: string | null): unknown => ({
    ...base,
    object: "chat.completion.chunk",
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    ...usageField,
  });
  const events: unknown[] = [
    chunk({ role: "assistant", content: "", refusal: null }, null),
    ...splitForStreaming(answer.text).map((piece) => chunk({ content: piece }, null)),
    chunk({}, finishReason),
  ];
  if (withUsage) events.push({ ...base, object: "chat.completion.chunk", choices: [], usage });
  await sendEventStream(res, events);
}

async function completions(raw: Buffer, res: ServerResponse): Promise<void> {
  const body = parseBody(raw, CompletionRequest, ["model", "prompt"]);
  rejectStreamOptionsWithoutStream(body);
  const prompts = promptTexts(body.prompt);
  const answers = prompts.map((p) => truncateToTokens(`Echo: ${p}`, body.max_tokens));
  const promptTokens = prompts.reduce((sum, p) => sum + countTokens(p), 0);
  const completionTokens = answers.reduce((sum, a) => sum + countTokens(a.text), 0);
  const usage = {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
  };
  const base = { id: newId("cmpl-"), object: "text_completion", created: nowSeconds(), model: body.model };

  if (body.stream !== true) {
    sendJson(res, 200, {
      ...base,
      choices: answers.map((a, index) => ({
        text: a.text,
        index,
        logprobs: null,
        finish_reason: a.cut ? "length" : "stop",
      })),
      usage,
    });
    return;
  }

  const withUsage = body.stream_options?.include_usage === true;
  const usageField = withUsage ? { usage: null } : {};
  const events: unknown[] = answers.flatMap((a, index) => [
    ...splitForStreaming(a.text).map((text) => ({
      ...base,
      choices: [{ text, index, logprobs: null, finish_reason: null }],
      ...usageField,
    })),
    {
      ...base,
      choices: [{ text: "", index, logprobs: null, finish_reason: a.cut ? "length" : "stop" }],
      ...usageField,
    },
  ]);
  if (withUsage) events.push({ ...base, choices: [], usage });
  await sendEventStream(res, events);
}

function embeddings(raw: Buffer, res: ServerResponse): void {
  const body = parseBody(raw, EmbeddingRequest, ["model", "input"]);
  const inputs = embeddingInputs(body.input);
  const promptTokens = inputs.reduce((sum, text) => sum + countTokens(text), 0);
  sendJson(res, 200, {
    object: "list",
    data: inputs.map((text, index) => ({
      object: "embedding",
      index,
      embedding: encodeEmbedding(demoEmbedding(text), body.encoding_format),
    })),
    model: body.model,
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
  });
}

function modelObject(id: string): Record<string, unknown> {
  return { id, object: "model", created: 1_700_000_000, owned_by: "demo" };
}

function listModels(_raw: Buffer, res: ServerResponse): void {
  sendJson(res, 200, { object: "list", data: DEMO_MODELS.map(modelObject) });
}

function retrieveModel(id: string): Handler {
  return (_raw, res) => {
    if (!DEMO_MODELS.includes(id)) {
      throw new ApiError(404, `The model '${id}' does not exist`, "model", "model_not_found");
    }
    sendJson(res, 200, modelObject(id));
  };
}

interface Route {
  method: "GET" | "POST";
  handler: Handler;
}

const ROUTES: ReadonlyMap<string, Route> = new Map([
  ["/v1/chat/completions", { method: "POST", handler: chatCompletions }],
  ["/v1/completions", { method: "POST", handler: completions }],
  ["/v1/embeddings", { method: "POST", handler: embeddings }],
  ["/v1/models", { method: "GET", handler: listModels }],
]);

function findRoute(pathname: string): Route | undefined {
  const exact = ROUTES.get(pathname);
  if (exact) return exact;
  const model = /^\/v1\/models\/([^/]+)$/.exec(pathname);
  if (model?.[1]) return { method: "GET", handler: retrieveModel(decodeURIComponent(model[1])) };
  return undefined;
}

function checkAuthorization(req: IncomingMessage, apiKey: string | undefined): void {
  if (apiKey === undefined) return;
  const header = req.headers.authorization;
  if (header === undefined) {
    throw new ApiError(
      401,
      "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
    );
  }
  if (header !== `Bearer ${apiKey}`) {
    throw new ApiError(401, "Incorrect API key provided.", null, "invalid_api_key");
  }
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  options: DemoUpstreamOptions,
  log: RecordedRequest[],
) {
  const method = req.method ?? "GET";
  const path = req.url ?? "/";
  const body = await readBody(req);
  if (options.record !== false) log.push({ method, path, headers: req.headers, body });
  try {
    if (body.length > MAX_BODY_BYTES) throw new ApiError(413, "Request body too large.");
    const pathname = new URL(path, "http://upstream.invalid").pathname;
    const route = findRoute(pathname);
    if (!route) throw new ApiError(404, `Invalid URL (${method} ${pathname})`);
    if (route.method !== method) throw new ApiError(405, `Invalid method for URL (${method} ${pathname})`);
    checkAuthorization(req, options.apiKey);
    await route.handler(body, res);
  } catch (error) {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (error instanceof ApiError) {
      sendError(res, error);
      return;
    }
    sendError(
      res,
      new ApiError(500, "The server had an error while processing your request.", null, null, "server_error"),
    );
  }
}

function urlHost(host: string): string {
  // A wildcard bind is reachable on loopback; IPv6 literals need brackets in a URL.
  if (host === "0.0.0.0" || host === "::") return "127.0.0.1";
  return host.includes(":") ? `[${host}]` : host;
}

export async function startDemoUpstream(options: DemoUpstreamOptions = {}): Promise<DemoUpstream> {
  const host = options.host ?? "127.0.0.1";
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    handle(req, res, options, requests).catch(() => res.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${urlHost(host)}:${port}`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive sockets (SDK clients pool them) would otherwise hold close() open.
        server.closeAllConnections();
      }),
  };
}
