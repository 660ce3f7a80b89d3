import { z } from "zod";

/**
 * The Messages API request as Anthropic validates it. Objects are strict because Anthropic refuses
 * unknown fields ("Extra inputs are not permitted"): an OpenAI field the translation leaked shows up
 * here as the provider's 400.
 */

const CacheControl = z.strictObject({ type: z.literal("ephemeral"), ttl: z.enum(["5m", "1h"]).optional() });
const TextBlock = z.strictObject({
  type: z.literal("text"),
  text: z.string(),
  cache_control: CacheControl.optional(),
});
const ImageSource = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("base64"),
    media_type: z.enum(["image/jpeg", "image/png", "image/gif", "image/webp"]),
    data: z.base64(),
  }),
  z.strictObject({ type: z.literal("url"), url: z.url() }),
]);
const ImageBlock = z.strictObject({
  type: z.literal("image"),
  source: ImageSource,
  cache_control: CacheControl.optional(),
});
const DocumentSource = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("base64"), media_type: z.literal("application/pdf"), data: z.base64() }),
  z.strictObject({ type: z.literal("text"), media_type: z.literal("text/plain"), data: z.string() }),
  z.strictObject({
    type: z.literal("content"),
    content: z.union([z.string(), z.array(z.discriminatedUnion("type", [TextBlock, ImageBlock]))]),
  }),
  z.strictObject({ type: z.literal("url"), url: z.url() }),
]);
const DocumentBlock = z.strictObject({
  type: z.literal("document"),
  source: DocumentSource,
  title: z.string().optional(),
  context: z.string().optional(),
  citations: z.strictObject({ enabled: z.boolean() }).optional(),
  cache_control: CacheControl.optional(),
});
const ToolUseBlock = z.strictObject({
  type: z.literal("tool_use"),
  id: z.string().regex(/^[a-zA-Z0-9_-]+$/),
  name: z.string().min(1),
  input: z.record(z.string(), z.unknown()),
  cache_control: CacheControl.optional(),
});
const ToolResultBlock = z.strictObject({
  type: z.literal("tool_result"),
  tool_use_id: z.string().regex(/^[a-zA-Z0-9_-]+$/),
  content: z
    .union([z.string(), z.array(z.discriminatedUnion("type", [TextBlock, ImageBlock, DocumentBlock]))])
    .optional(),
  is_error: z.boolean().optional(),
  cache_control: CacheControl.optional(),
});
export const ContentBlock = z.discriminatedUnion("type", [
  TextBlock,
  ImageBlock,
  DocumentBlock,
  ToolUseBlock,
  ToolResultBlock,
]);
export type ContentBlock = z.infer<typeof ContentBlock>;

export const Message = z.strictObject({
  role: z.enum(["user", "assistant"]),
  content: z.union([z.string(), z.array(ContentBlock)]),
});
export type Message = z.infer<typeof Message>;

const Tool = z.strictObject({
  name: z.string().regex(/^[a-zA-Z0-9_-]{1,128}$/),
  description: z.string().optional(),
  input_schema: z.looseObject({
    type: z.literal("object"),
    properties: z.record(z.string(), z.unknown()).optional(),
  }),
  cache_control: CacheControl.optional(),
});
export type Tool = z.infer<typeof Tool>;

const ToolChoice = z.discriminatedUnion("type", [
  z.strictObject({ type: z.enum(["auto", "any"]), disable_parallel_tool_use: z.boolean().optional() }),
  z.strictObject({
    type: z.literal("tool"),
    name: z.string(),
    disable_parallel_tool_use: z.boolean().optional(),
  }),
  z.strictObject({ type: z.literal("none") }),
]);
export type ToolChoice = z.infer<typeof ToolChoice>;

export const MessagesRequest = z.strictObject({
  model: z.string().min(1),
  max_tokens: z.number().int().min(1),
  messages: z.array(Message),
  system: z.union([z.string(), z.array(TextBlock)]).optional(),
  temperature: z.number().min(0).max(1).optional(),
  top_p: z.number().min(0).max(1).optional(),
  top_k: z.number().int().min(0).optional(),
  stop_sequences: z.array(z.string()).optional(),
  stream: z.boolean().optional(),
  tools: z.array(Tool).optional(),
  tool_choice: ToolChoice.optional(),
  metadata: z.strictObject({ user_id: z.string().max(256).nullable().optional() }).optional(),
  service_tier: z.enum(["auto", "standard_only"]).optional(),
});
export type MessagesRequest = z.infer<typeof MessagesRequest>;
