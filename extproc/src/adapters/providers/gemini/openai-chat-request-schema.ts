import { z } from "zod";

/**
 * The OpenAI Chat Completions fields this adapter reads, validated as they enter. Fields that do
 * not change what the model generates (user, metadata, store, service_tier...) pass unread; fields
 * that would change it and that Gemini lacks are refused by `unsupported-openai-features.ts`.
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
export const UserContentPart = z.discriminatedUnion("type", [TextPart, ImagePart, AudioPart, FilePart]);
export type UserContentPart = z.infer<typeof UserContentPart>;

const TextContent = z.union([z.string(), z.array(TextPart)]);

const ToolCall = z.object({
  id: z.string(),
  type: z.literal("function"),
  function: z.object({ name: z.string(), arguments: z.string() }),
});

const SystemMessage = z.object({ role: z.literal("system"), content: TextContent });
const DeveloperMessage = z.object({ role: z.literal("developer"), content: TextContent });
const UserMessage = z.object({
  role: z.literal("user"),
  content: z.union([z.string(), z.array(UserContentPart)]),
});
const AssistantMessage = z.object({
  role: z.literal("assistant"),
  content: z.union([z.string(), z.array(z.discriminatedUnion("type", [TextPart, RefusalPart]))]).nullish(),
  refusal: z.string().nullish(),
  tool_calls: z.array(ToolCall).nullish(),
  audio: z.unknown().optional(),
  function_call: z.unknown().optional(),
});
const ToolMessage = z.object({ role: z.literal("tool"), tool_call_id: z.string(), content: TextContent });
const FunctionMessage = z.object({ role: z.literal("function") });

export const ChatMessage = z.discriminatedUnion("role", [
  SystemMessage,
  DeveloperMessage,
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
export type FunctionTool = z.infer<typeof FunctionTool>;

export const ToolChoice = z.union([
  z.enum(["none", "auto", "required"]),
  z.object({ type: z.literal("function"), function: z.object({ name: z.string() }) }),
]);
export type ToolChoice = z.infer<typeof ToolChoice>;

export const ResponseFormat = z.discriminatedUnion("type", [
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
export type ResponseFormat = z.infer<typeof ResponseFormat>;

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
});
export type OpenAiChatRequest = z.infer<typeof OpenAiChatRequest>;

export const FunctionTools = z.array(FunctionTool);
