import { z } from "zod";

/**
 * The parts of an OpenAI chat completion request the Anthropic translation reads. Objects are loose:
 * fields we do not model pass through parsing, and `unsupported-openai-features.ts` decides which of
 * them must be refused rather than dropped.
 */

const TextPart = z.object({ type: z.literal("text"), text: z.string() });
const ImagePart = z.object({
  type: z.literal("image_url"),
  image_url: z.object({ url: z.string(), detail: z.string().optional() }),
});
const RefusalPart = z.object({ type: z.literal("refusal"), refusal: z.string() });
// Audio and file parts are recognised only to be refused by name.
const OtherPart = z.object({ type: z.enum(["input_audio", "file"]) });

export const UserContent = z.union([z.string(), z.array(z.union([TextPart, ImagePart, OtherPart]))]);
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
  content: z
    .union([z.string(), z.array(z.union([TextPart, RefusalPart]))])
    .nullable()
    .optional(),
  tool_calls: z.array(ToolCall).nullable().optional(),
  audio: z.unknown().optional(),
  function_call: z.unknown().optional(),
});
const ToolMessage = z.object({
  role: z.literal("tool"),
  content: TextContent,
  tool_call_id: z.string().min(1),
});
const FunctionMessage = z.object({ role: z.literal("function") });

export const ChatMessage = z.discriminatedUnion("role", [
  SystemMessage,
  UserMessage,
  AssistantMessage,
  ToolMessage,
  FunctionMessage,
]);
export type ChatMessage = z.infer<typeof ChatMessage>;

const FunctionTool = z.object({
  type: z.literal("function"),
  function: z.object({
    name: z.string().min(1),
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
    strict: z.boolean().nullable().optional(),
  }),
});
const CustomTool = z.object({ type: z.literal("custom") });
export const Tool = z.discriminatedUnion("type", [FunctionTool, CustomTool]);
export type Tool = z.infer<typeof Tool>;

export const ToolChoice = z.union([
  z.enum(["auto", "none", "required"]),
  z.object({ type: z.literal("function"), function: z.object({ name: z.string().min(1) }) }),
  z.object({ type: z.enum(["allowed_tools", "custom"]) }),
]);
export type ToolChoice = z.infer<typeof ToolChoice>;

const optionalNumber = z.number().nullable().optional();

export const OpenAiChatRequest = z.object({
  messages: z.array(ChatMessage).min(1),
  max_tokens: z.number().int().positive().nullable().optional(),
  max_completion_tokens: z.number().int().positive().nullable().optional(),
  temperature: z.number().min(0).max(2).nullable().optional(),
  top_p: z.number().min(0).max(1).nullable().optional(),
  stop: z
    .union([z.string(), z.array(z.string())])
    .nullable()
    .optional(),
  stream: z.boolean().nullable().optional(),
  tools: z.array(Tool).nullable().optional(),
  tool_choice: ToolChoice.nullable().optional(),
  parallel_tool_calls: z.boolean().nullable().optional(),
  user: z.string().nullable().optional(),
  n: z.number().int().positive().nullable().optional(),
  logprobs: z.boolean().nullable().optional(),
  top_logprobs: optionalNumber,
  presence_penalty: optionalNumber,
  frequency_penalty: optionalNumber,
  seed: optionalNumber,
  logit_bias: z.record(z.string(), z.number()).nullable().optional(),
  response_format: z.object({ type: z.string() }).nullable().optional(),
  modalities: z.array(z.string()).nullable().optional(),
  audio: z.unknown().optional(),
  functions: z.unknown().optional(),
  function_call: z.unknown().optional(),
  reasoning_effort: z.unknown().optional(),
  prediction: z.unknown().optional(),
  web_search_options: z.unknown().optional(),
});
export type OpenAiChatRequest = z.infer<typeof OpenAiChatRequest>;
