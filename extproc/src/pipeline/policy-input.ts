import { z } from "zod";

/**
 * The document every policy evaluation receives as `input`. It is a versioned contract with the
 * security teams who write Rego: add fields freely, but never change the meaning of one without
 * bumping `version`. `policies/input.schema.json` is generated from this type.
 */
export const POLICY_INPUT_VERSION = "gateway.input/v1";

export const ApiKind = z
  .enum([
    "openai.chat_completions",
    "openai.completions",
    "openai.embeddings",
    "openai.models",
    "anthropic.models",
    "gemini.models",
    "anthropic.messages",
    "gemini.generate_content",
    "gemini.stream_generate_content",
    "unknown",
  ])
  .describe(
    "Which API the request speaks, derived from method and path: the OpenAI-compatible fronts, Anthropic's POST /v1/messages, Gemini's POST /v1beta/models/{model}:generateContent and :streamGenerateContent, and the model listings the gateway answers itself (GET /v1/models and /v1/models/{id}: `openai.models`, or `anthropic.models` / `gemini.models` when the caller's SDK sends `anthropic-version` / `x-goog-api-key`; GET /v1beta/models is Gemini's). `unknown` for anything else.",
  );
export type ApiKind = z.infer<typeof ApiKind>;

export const Principal = z
  .object({
    key_id: z.string().describe("Identifier of the API key used (never the key itself)."),
    user: z.string().describe("The user the key belongs to."),
    team: z.string().describe("The team the key belongs to."),
    roles: z.array(z.string()).describe("Roles granted to the key."),
    region: z
      .string()
      .nullable()
      .default(null)
      .describe(
        "Where the key holder's data must be processed (data residency, e.g. `eu`); null when the key names none.",
      ),
  })
  .describe("Who is calling, resolved from the API key by its SHA-256 hash in the bundle's data.");
export type Principal = z.infer<typeof Principal>;

export const LlmRequestSummary = z
  .object({
    model: z
      .string()
      .describe(
        "The model exactly as the upstream will read it (no trimming, no case folding): the body's `model`, or for Gemini the model segment of the path.",
      ),
    stream: z
      .boolean()
      .describe(
        "Whether the caller asked for a streamed (text/event-stream) answer: `stream: true`, or Gemini's :streamGenerateContent.",
      ),
    max_tokens: z
      .number()
      .nullable()
      .describe(
        "The output token limit the caller set, else null: `max_completion_tokens` or `max_tokens` (OpenAI, Anthropic), `generationConfig.maxOutputTokens` (Gemini).",
      ),
    message_count: z
      .number()
      .int()
      .nonnegative()
      .describe("Number of chat messages (`messages`, or Gemini's `contents`); 0 for other APIs."),
    tool_count: z
      .number()
      .int()
      .nonnegative()
      .describe("Number of tools offered to the model (for Gemini, function declarations)."),
  })
  .describe("What the request asks of a model. Null for requests that name no model (e.g. GET /v1/models).");
export type LlmRequestSummary = z.infer<typeof LlmRequestSummary>;

export const PiiFindingSummary = z
  .object({
    type: z
      .string()
      .describe("Entity type, e.g. EMAIL, CREDIT_CARD, AWS_ACCESS_KEY, or a custom type from the data."),
    count: z.number().int().positive().describe("How many entities of this type the request holds."),
    locations: z
      .array(
        z.object({
          message_index: z
            .number()
            .int()
            .nonnegative()
            .nullable()
            .describe("Index in `messages` (Gemini: `contents`), null outside them (e.g. a system prompt)."),
          role: z.string().nullable().describe("Role of that message (user, system, assistant, tool...)."),
          field: z
            .string()
            .describe(
              "Where in the message or body: content, content[1].text, parts[0].text, prompt, input[2], system...",
            ),
        }),
      )
      .describe("Distinct places the type was found."),
  })
  .describe("One detected entity type. The values themselves never reach the policy.");

export const PiiSummary = z
  .object({
    findings: z.array(PiiFindingSummary).describe("Detected types, sorted by type name; empty when none."),
    non_text_parts: z
      .number()
      .int()
      .nonnegative()
      .describe("Content parts that are not text (images, audio, files)."),
  })
  .describe("PII and secrets detected in every field of the request that reaches a model.");
export type PiiSummary = z.infer<typeof PiiSummary>;

export const PolicyInput = z
  .object({
    version: z.literal(POLICY_INPUT_VERSION),
    request: z.object({
      id: z.string().describe("Envoy's x-request-id for this request."),
      method: z.string().describe("HTTP method, upper case."),
      path: z.string().describe("URL path without the query string, as sent by the caller."),
      query: z.string().describe("Raw query string without the leading `?`, or empty."),
      api: ApiKind,
      content_type: z.string().describe("The request's content-type header, lower-cased, or empty."),
      body_bytes: z.number().int().nonnegative().describe("Size of the (decoded) request body in bytes."),
      time_ms: z.number().int().describe("Gateway clock when the request arrived, epoch milliseconds."),
    }),
    principal: Principal,
    llm: LlmRequestSummary.nullable(),
    pii: PiiSummary,
  })
  .describe("Input document of the gateway policy (entrypoint gateway/decision).");
export type PolicyInput = z.infer<typeof PolicyInput>;
