import { z } from "zod";

/**
 * What Anthropic answers, read strictly where the translation depends on it and loosely elsewhere:
 * content block and event types we do not translate (thinking, server tools, new ones Anthropic
 * adds) still parse, so a new block type does not turn a good answer into a 502.
 */

export const AnthropicUsage = z.object({
  input_tokens: z.number().int().nonnegative().nullable().optional(),
  output_tokens: z.number().int().nonnegative().nullable().optional(),
  cache_creation_input_tokens: z.number().int().nonnegative().nullable().optional(),
  cache_read_input_tokens: z.number().int().nonnegative().nullable().optional(),
});
export type AnthropicUsage = z.infer<typeof AnthropicUsage>;

const TextBlock = z.object({ type: z.literal("text"), text: z.string() });
const ToolUseBlock = z.object({
  type: z.literal("tool_use"),
  id: z.string(),
  name: z.string(),
  input: z.unknown(),
});
const OtherBlock = z.object({ type: z.string() });
export const ContentBlock = z.union([TextBlock, ToolUseBlock, OtherBlock]);

export const AnthropicMessage = z.object({
  id: z.string(),
  type: z.literal("message"),
  role: z.literal("assistant"),
  content: z.array(ContentBlock),
  stop_reason: z.string().nullable(),
  usage: AnthropicUsage,
});
export type AnthropicMessage = z.infer<typeof AnthropicMessage>;

export const AnthropicError = z.object({
  type: z.literal("error"),
  error: z.object({ type: z.string(), message: z.string() }),
});
export type AnthropicError = z.infer<typeof AnthropicError>;

const MessageStart = z.object({
  type: z.literal("message_start"),
  message: z.object({ id: z.string(), usage: AnthropicUsage }),
});
const BlockStart = z.object({
  type: z.literal("content_block_start"),
  index: z.number().int().nonnegative(),
  content_block: ContentBlock,
});
const TextDelta = z.object({ type: z.literal("text_delta"), text: z.string() });
const JsonDelta = z.object({ type: z.literal("input_json_delta"), partial_json: z.string() });
const BlockDelta = z.object({
  type: z.literal("content_block_delta"),
  index: z.number().int().nonnegative(),
  delta: z.union([TextDelta, JsonDelta, z.object({ type: z.string() })]),
});
const MessageDelta = z.object({
  type: z.literal("message_delta"),
  delta: z.object({ stop_reason: z.string().nullable().optional() }),
  usage: AnthropicUsage.nullable().optional(),
});
const Simple = z.object({ type: z.enum(["content_block_stop", "message_stop", "ping"]) });

export const StreamEvent = z.union([
  MessageStart,
  BlockStart,
  BlockDelta,
  MessageDelta,
  Simple,
  AnthropicError,
]);
export type StreamEvent = z.infer<typeof StreamEvent>;
