import { z } from "zod";

// Only the fields the demo acts on; unknown fields pass, as they do at OpenAI.

const TextPart = z.object({ type: z.literal("text"), text: z.string() });
const OtherPart = z.object({ type: z.string() });
export const MessageContent = z.union([z.string(), z.array(z.union([TextPart, OtherPart]))]).nullable();
export type MessageContent = z.infer<typeof MessageContent>;

const ChatMessage = z.object({
  role: z.enum(["system", "developer", "user", "assistant", "tool", "function"]),
  content: MessageContent.optional(),
});

const StreamOptions = z.object({ include_usage: z.boolean().optional() }).nullable().optional();

export const ChatRequest = z.object({
  model: z.string(),
  messages: z.array(ChatMessage).min(1),
  stream: z.boolean().nullable().optional(),
  stream_options: StreamOptions,
  max_tokens: z.number().int().positive().nullable().optional(),
  max_completion_tokens: z.number().int().positive().nullable().optional(),
});
export type ChatRequest = z.infer<typeof ChatRequest>;

export const CompletionRequest = z.object({
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
export type CompletionRequest = z.infer<typeof CompletionRequest>;

export const EmbeddingRequest = z.object({
  model: z.string(),
  input: z.union([
    z.string().min(1),
    z.array(z.string().min(1)).min(1),
    z.array(z.number()).min(1),
    z.array(z.array(z.number()).min(1)).min(1),
  ]),
  encoding_format: z.enum(["float", "base64"]).optional(),
});
export type EmbeddingRequest = z.infer<typeof EmbeddingRequest>;
