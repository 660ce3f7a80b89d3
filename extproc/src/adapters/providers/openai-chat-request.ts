import { z } from "zod";

/**
 * The OpenAI Chat Completions request as every translating provider reads it, validated as it
 * enters: one reading, so a request is valid or not whatever provider the policy sends it to, and
 * only what a provider cannot express differs (each refuses it with 422, naming the parameter).
 * Fields that do not change what the model generates (metadata, store, service_tier...) pass
 * unread; each provider's `unsupported-openai-features.ts` refuses the ones it cannot honour.
 */

const TextPart = z.object({ type: z.literal("text"), text: z.string() });
const RefusalPart = z.object({ type: z.literal("refusal"), refusal: z.string() });
const ImagePart = z.object({
  type: z.literal("image_url"),
  image_url: z.object({ url: z.string(), detail: z.enum(["auto", "low", "high"]).optional() }),
});
const AudioPart = z.object({
  type: z.literal("input_audio"),
  input_audio: z.object({ data: z.string(), format: z.enum(["wav", "mp3"]) }),
});
const FilePart = z.object({
  type: z.literal("file"),
  file: z.object({
    file_data: z.string().optional(),
    file_id: z.string().optional(),
    filename: z.string().optional(),
  }),
});
const UserContentPart = z.discriminatedUnion("type", [TextPart, ImagePart, AudioPart, FilePart]);
export type UserContentPart = z.infer<typeof UserContentPart>;

const UserContent = z.union([z.string(), z.array(UserContentPart)]);
export type UserContent = z.infer<typeof UserContent>;

const TextContent = z.union([z.string(), z.array(TextPart)]);
export type TextContent = z.infer<typeof TextContent>;

const ToolCall = z.object({
  id: z.string().min(1),
  type: z.literal("function"),
  function: z.object({ name: z.string().min(1), arguments: z.string() }),
});
export type ToolCall = z.infer<typeof ToolCall>;

const SystemMessage = z.object({ role: z.enum(["system", "developer"]), content: TextContent });
const UserMessage = z.object({ role: z.literal("user"), content: UserContent });
const AssistantMessage = z.object({
  role: z.literal("assistant"),
  content: z.union([z.string(), z.array(z.discriminatedUnion("type", [TextPart, RefusalPart]))]).nullish(),
  refusal: z.string().nullish(),
  tool_calls: z.array(ToolCall).nullish(),
  audio: z.unknown().optional(),
  function_call: z.unknown().optional(),
});
const ToolMessage = z.object({
  role: z.literal("tool"),
  tool_call_id: z.string().min(1),
  content: TextContent,
});
const FunctionMessage = z.object({ role: z.literal("function") });

const ChatMessage = z.discriminatedUnion("role", [
  SystemMessage,
  UserMessage,
  AssistantMessage,
  ToolMessage,
  FunctionMessage,
]);
export type ChatMessage = z.infer<typeof ChatMessage>;

const JsonSchemaObject = z.record(z.string(), z.unknown());

const FunctionTool = z.object({
  type: z.literal("function"),
  function: z.object({
    name: z.string().min(1),
    description: z.string().optional(),
    parameters: JsonSchemaObject.optional(),
    strict: z.boolean().nullish(),
  }),
});
/**
 * The `function` tools of a request, read once each provider has refused the tool types it lacks
 * (custom tools), so that refusal names the tool rather than failing the schema.
 */
export const FunctionTools = z.array(FunctionTool);

const ToolChoice = z.union([
  z.enum(["none", "auto", "required"]),
  z.object({ type: z.literal("function"), function: z.object({ name: z.string().min(1) }) }),
  // Recognised only to be refused by name.
  z.object({ type: z.enum(["allowed_tools", "custom"]) }),
]);
export type ToolChoice = z.infer<typeof ToolChoice>;

const ResponseFormat = z.discriminatedUnion("type", [
  z.object({ type: z.literal("text") }),
  z.object({ type: z.literal("json_object") }),
  z.object({
    type: z.literal("json_schema"),
    json_schema: z.object({
      name: z.string(),
      description: z.string().optional(),
      schema: JsonSchemaObject.optional(),
      strict: z.boolean().nullish(),
    }),
  }),
]);

const TokenLimit = z.number().int().positive().nullish();
const Penalty = z.number().min(-2).max(2).nullish();

export const OpenAiChatRequest = z.object({
  messages: z.array(ChatMessage).min(1),
  stream: z.boolean().nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  max_tokens: TokenLimit,
  max_completion_tokens: TokenLimit,
  stop: z.union([z.string(), z.array(z.string()).max(4)]).nullish(),
  n: z.number().int().min(1).max(128).nullish(),
  seed: z.number().int().nullish(),
  presence_penalty: Penalty,
  frequency_penalty: Penalty,
  response_format: ResponseFormat.nullish(),
  tools: z.array(z.looseObject({ type: z.string() })).nullish(),
  tool_choice: ToolChoice.nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  user: z.string().nullish(),
  logprobs: z.boolean().nullish(),
  top_logprobs: z.number().int().nullish(),
  logit_bias: z.record(z.string(), z.number()).nullish(),
  modalities: z.array(z.string()).nullish(),
  audio: z.unknown().optional(),
  functions: z.unknown().optional(),
  function_call: z.unknown().optional(),
  reasoning_effort: z.unknown().optional(),
  prediction: z.unknown().optional(),
  web_search_options: z.unknown().optional(),
});
export type OpenAiChatRequest = z.infer<typeof OpenAiChatRequest>;

/**
 * A tool call's `arguments` (a JSON string) as the object every provider takes, or undefined when
 * it is not a JSON object: that is the caller's error, and guessing an object would invent what
 * the model said. Some clients send "" for a call without arguments; that means {}.
 */
export function toolCallArguments(text: string): Record<string, unknown> | undefined {
  if (text.trim() === "") return {};
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === "object" && value !== null && !Array.isArray(value)) {
      return value as Record<string, unknown>;
    }
  } catch {
    // not JSON: the caller reports the parameter
  }
  return undefined;
}
