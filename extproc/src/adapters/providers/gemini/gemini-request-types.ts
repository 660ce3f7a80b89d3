/**
 * The parts of Gemini's GenerateContentRequest this adapter writes (REST JSON, camelCase), as
 * documented at https://ai.google.dev/api/generate-content. Only what we emit, nothing more.
 */

export type GeminiPart =
  | { readonly text: string }
  | { readonly inlineData: { readonly mimeType: string; readonly data: string } }
  | { readonly fileData: { readonly mimeType?: string; readonly fileUri: string } }
  | {
      readonly functionCall: { readonly name: string; readonly args: Record<string, unknown> };
      readonly thoughtSignature?: string;
    }
  | { readonly functionResponse: { readonly name: string; readonly response: Record<string, unknown> } };

export interface GeminiContent {
  readonly role: "user" | "model";
  readonly parts: GeminiPart[];
}

export type GeminiSchema = Record<string, unknown>;

export interface GeminiFunctionDeclaration {
  readonly name: string;
  readonly description?: string;
  readonly parameters?: GeminiSchema;
}

export interface GeminiToolConfig {
  readonly functionCallingConfig: {
    readonly mode: "AUTO" | "ANY" | "NONE";
    readonly allowedFunctionNames?: string[];
  };
}

export interface GeminiGenerationConfig {
  temperature?: number;
  topP?: number;
  maxOutputTokens?: number;
  stopSequences?: string[];
  candidateCount?: number;
  seed?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  responseMimeType?: string;
  responseSchema?: GeminiSchema;
}

export interface GeminiRequest {
  readonly contents: GeminiContent[];
  readonly systemInstruction?: { readonly parts: { readonly text: string }[] };
  readonly tools?: { readonly functionDeclarations: GeminiFunctionDeclaration[] }[];
  readonly toolConfig?: GeminiToolConfig;
  readonly generationConfig?: GeminiGenerationConfig;
}
