import { z } from "zod";

/**
 * Gemini's GenerateContentResponse and error body as they enter the gateway
 * (https://ai.google.dev/api/generate-content#generatecontentresponse). Loose objects: Google adds
 * fields over time (citationMetadata, safetyRatings, groundingMetadata...) that we do not read.
 */

const FunctionCall = z.looseObject({
  name: z.string(),
  args: z.record(z.string(), z.unknown()).optional(),
});

const Part = z.looseObject({
  text: z.string().optional(),
  thought: z.boolean().optional(),
  functionCall: FunctionCall.optional(),
});
export type GeminiResponsePart = z.infer<typeof Part>;

const Candidate = z.looseObject({
  index: z.number().int().nonnegative().optional(),
  content: z.looseObject({ role: z.string().optional(), parts: z.array(Part).optional() }).optional(),
  finishReason: z.string().optional(),
});
export type GeminiCandidate = z.infer<typeof Candidate>;

const Count = z.number().int().nonnegative().optional();

export const GeminiUsageMetadata = z.looseObject({
  promptTokenCount: Count,
  candidatesTokenCount: Count,
  thoughtsTokenCount: Count,
  toolUsePromptTokenCount: Count,
  cachedContentTokenCount: Count,
  totalTokenCount: Count,
});
export type GeminiUsageMetadata = z.infer<typeof GeminiUsageMetadata>;

export const GenerateContentResponse = z.looseObject({
  candidates: z.array(Candidate).optional(),
  promptFeedback: z.looseObject({ blockReason: z.string().optional() }).optional(),
  usageMetadata: GeminiUsageMetadata.optional(),
  modelVersion: z.string().optional(),
  responseId: z.string().optional(),
});
export type GenerateContentResponse = z.infer<typeof GenerateContentResponse>;

/** Google's error envelope: `{"error": {"code": 429, "message": "...", "status": "RESOURCE_EXHAUSTED"}}`. */
export const GeminiErrorBody = z.object({
  error: z.looseObject({
    code: z.number().int().optional(),
    message: z.string(),
    status: z.string().optional(),
  }),
});
export type GeminiErrorBody = z.infer<typeof GeminiErrorBody>;
