import { z } from "zod";

/**
 * Gemini's GenerateContentRequest as the real API checks it: unknown fields are refused (Google's
 * JSON parser answers `Unknown name "x"`), so a translator that forwards an OpenAI-only field or
 * a JSON-schema keyword Gemini lacks (`additionalProperties`) fails here as it would at Google.
 */

const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

const Blob = z.strictObject({ mimeType: z.string().min(1), data: z.string().regex(BASE64) });
const FileData = z.strictObject({ mimeType: z.string().optional(), fileUri: z.string().min(1) });
const Struct = z.record(z.string(), z.unknown());

const DATA_FIELDS = ["text", "inlineData", "fileData", "functionCall", "functionResponse"] as const;

export const Part = z
  .strictObject({
    text: z.string().optional(),
    inlineData: Blob.optional(),
    fileData: FileData.optional(),
    functionCall: z
      .strictObject({ id: z.string().optional(), name: z.string().min(1), args: Struct.optional() })
      .optional(),
    functionResponse: z
      .strictObject({ id: z.string().optional(), name: z.string().min(1), response: Struct })
      .optional(),
    thought: z.boolean().optional(),
    thoughtSignature: z.string().regex(BASE64).optional(),
  })
  .refine((part) => DATA_FIELDS.filter((field) => part[field] !== undefined).length === 1, {
    message:
      "Part must have exactly one data field (text, inlineData, fileData, functionCall, functionResponse)",
  });
export type Part = z.infer<typeof Part>;

export const Content = z.strictObject({
  role: z.string().optional(),
  parts: z.array(Part),
});
export type Content = z.infer<typeof Content>;

const TYPE = /^(string|number|integer|boolean|array|object|null)$/i;

export interface Schema {
  [keyword: string]: unknown;
}
export const Schema: z.ZodType<Schema> = z.lazy(() =>
  z.strictObject({
    type: z.string().regex(TYPE).optional(),
    format: z.string().optional(),
    title: z.string().optional(),
    description: z.string().optional(),
    nullable: z.boolean().optional(),
    enum: z.array(z.string()).optional(),
    required: z.array(z.string()).optional(),
    properties: z.record(z.string(), Schema).optional(),
    items: Schema.optional(),
    anyOf: z.array(Schema).optional(),
    propertyOrdering: z.array(z.string()).optional(),
    minItems: z.union([z.number(), z.string()]).optional(),
    maxItems: z.union([z.number(), z.string()]).optional(),
    minProperties: z.union([z.number(), z.string()]).optional(),
    maxProperties: z.union([z.number(), z.string()]).optional(),
    minLength: z.union([z.number(), z.string()]).optional(),
    maxLength: z.union([z.number(), z.string()]).optional(),
    pattern: z.string().optional(),
    minimum: z.number().optional(),
    maximum: z.number().optional(),
    default: z.unknown().optional(),
    example: z.unknown().optional(),
  }),
);

export const FunctionDeclaration = z.strictObject({
  name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_.:-]{0,127}$/),
  description: z.string().optional(),
  parameters: Schema.optional(),
  parametersJsonSchema: z.unknown().optional(),
});
export type FunctionDeclaration = z.infer<typeof FunctionDeclaration>;

const Tool = z.strictObject({ functionDeclarations: z.array(FunctionDeclaration).optional() });

const ToolConfig = z.strictObject({
  functionCallingConfig: z.strictObject({
    mode: z.enum(["MODE_UNSPECIFIED", "AUTO", "ANY", "NONE", "VALIDATED"]).optional(),
    allowedFunctionNames: z.array(z.string()).optional(),
  }),
});

const GenerationConfig = z.strictObject({
  temperature: z.number().min(0).max(2).optional(),
  topP: z.number().min(0).max(1).optional(),
  topK: z.number().int().positive().optional(),
  maxOutputTokens: z.number().int().positive().optional(),
  stopSequences: z.array(z.string()).max(5).optional(),
  candidateCount: z.number().int().min(1).max(8).optional(),
  seed: z.number().int().optional(),
  presencePenalty: z.number().optional(),
  frequencyPenalty: z.number().optional(),
  responseMimeType: z.enum(["text/plain", "application/json", "text/x.enum"]).optional(),
  responseSchema: Schema.optional(),
  responseJsonSchema: z.unknown().optional(),
  thinkingConfig: z.looseObject({}).optional(),
});

export const GenerateContentRequest = z.strictObject({
  contents: z.array(Content),
  systemInstruction: Content.optional(),
  tools: z.array(Tool).optional(),
  toolConfig: ToolConfig.optional(),
  generationConfig: GenerationConfig.optional(),
  safetySettings: z.array(z.looseObject({})).optional(),
  cachedContent: z.string().optional(),
});
export type GenerateContentRequest = z.infer<typeof GenerateContentRequest>;
