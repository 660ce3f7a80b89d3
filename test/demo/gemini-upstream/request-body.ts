import type { z } from "zod";
import { GoogleApiError } from "./google-error.ts";
import { GenerateContentRequest } from "./request-schema.ts";

/**
 * Reads a generateContent body and fails with the messages Google gives, field paths in Google's
 * snake_case (`tools[0].function_declarations[0].parameters`), so a test can see which field a
 * translator got wrong.
 */

function snake(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

function googlePath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, key) => {
    if (typeof key === "number") return `${acc}[${key}]`;
    return acc === "" ? snake(String(key)) : `${acc}.${snake(String(key))}`;
  }, "");
}

function invalid(message: string): GoogleApiError {
  return new GoogleApiError("INVALID_ARGUMENT", message);
}

function schemaError(error: z.ZodError): GoogleApiError {
  const issue = error.issues[0];
  if (!issue) return invalid("Request contains an invalid argument.");
  const at = googlePath(issue.path);
  if (issue.code === "unrecognized_keys") {
    const place = at === "" ? "" : ` at '${at}'`;
    return invalid(
      `Invalid JSON payload received. Unknown name "${issue.keys[0]}"${place}: Cannot find field.`,
    );
  }
  return invalid(`* GenerateContentRequest.${at}: ${issue.message}\n`);
}

function checkContents(request: GenerateContentRequest): void {
  if (request.contents.length === 0)
    throw invalid("* GenerateContentRequest.contents: contents is not specified\n");
  for (const [i, content] of request.contents.entries()) {
    if (content.role !== undefined && content.role !== "user" && content.role !== "model") {
      throw invalid("Please use a valid role: user, model.");
    }
    if (content.parts.length === 0) {
      throw invalid(`* GenerateContentRequest.contents[${i}].parts: contents.parts must not be empty.\n`);
    }
  }
  const config = request.generationConfig;
  if (config?.responseSchema !== undefined && config.responseMimeType !== "application/json") {
    throw invalid(
      "* GenerateContentRequest.generation_config.response_schema: response_mime_type must be one of ['application/json', 'text/x.enum'].\n",
    );
  }
}

export function parseGenerateContent(raw: Buffer): GenerateContentRequest {
  let json: unknown;
  try {
    json = JSON.parse(raw.toString("utf8"));
  } catch {
    throw invalid("Invalid JSON payload received. Unexpected token.");
  }
  const parsed = GenerateContentRequest.safeParse(json);
  if (!parsed.success) throw schemaError(parsed.error);
  checkContents(parsed.data);
  return parsed.data;
}
