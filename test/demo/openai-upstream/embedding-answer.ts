import { createHash } from "node:crypto";
import type { ServerResponse } from "node:http";
import { sendJson } from "./json-response.ts";
import { parseBody } from "./request-body.ts";
import { EmbeddingRequest } from "./request-schemas.ts";
import { countTokens } from "./token-count.ts";

/** POST /v1/embeddings: small deterministic vectors, so tests can predict what comes back. */

const EMBEDDING_DIMENSIONS = 8;

function embeddingInputs(input: EmbeddingRequest["input"]): string[] {
  if (typeof input === "string") return [input];
  if (typeof input[0] === "string") return input as string[];
  if (typeof input[0] === "number") return [(input as number[]).join(" ")];
  return (input as number[][]).map((tokens) => tokens.join(" "));
}

/** Unit-length vector derived from the text's SHA-256, so equal inputs embed equally. */
export function demoEmbedding(text: string): number[] {
  const digest = createHash("sha256").update(text).digest();
  const raw = Array.from({ length: EMBEDDING_DIMENSIONS }, (_, i) => digest.readInt16BE(i * 2) / 32768);
  const norm = Math.hypot(...raw) || 1;
  return raw.map((v) => Math.fround(v / norm));
}

function encodeEmbedding(vector: number[], format: "float" | "base64" | undefined): number[] | string {
  if (format !== "base64") return vector;
  // OpenAI's base64 format is little-endian float32; the SDK asks for it by default.
  return Buffer.from(new Float32Array(vector).buffer).toString("base64");
}

export function embeddings(raw: Buffer, res: ServerResponse): void {
  const body = parseBody(raw, EmbeddingRequest, ["model", "input"]);
  const inputs = embeddingInputs(body.input);
  const promptTokens = inputs.reduce((sum, text) => sum + countTokens(text), 0);
  sendJson(res, 200, {
    object: "list",
    data: inputs.map((text, index) => ({
      object: "embedding",
      index,
      embedding: encodeEmbedding(demoEmbedding(text), body.encoding_format),
    })),
    model: body.model,
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
  });
}
