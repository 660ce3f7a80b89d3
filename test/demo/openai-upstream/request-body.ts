import type { z } from "zod";
import { ApiError } from "./api-error.ts";

/**
 * Request body parsing that fails the way OpenAI does: the same status codes, messages, `param`
 * and `code` values, so a gateway bug that mangles a body shows up as the provider's 400.
 */

function paramPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, key) => {
    if (typeof key === "number") return `${acc}[${key}]`;
    return acc === "" ? String(key) : `${acc}.${String(key)}`;
  }, "");
}

function validationError(error: z.ZodError): ApiError {
  const issue = error.issues[0];
  if (!issue) return new ApiError(400, "Invalid request body.");
  const param = paramPath(issue.path);
  const label = param === "" ? "body" : `'${param}'`;
  if (issue.code === "too_small" && issue.origin === "array") {
    return new ApiError(
      400,
      `Invalid ${label}: empty array. Expected an array with minimum length 1, but got an empty array instead.`,
      param,
      "empty_array",
    );
  }
  if (issue.code === "too_small" && issue.origin === "string") {
    return new ApiError(
      400,
      `Invalid ${label}: string too short. Expected a non-empty string.`,
      param,
      "invalid_value",
    );
  }
  if (issue.code === "invalid_value") {
    const supported = issue.values.map((v) => `'${String(v)}'`).join(", ");
    return new ApiError(
      400,
      `Invalid value for ${label}. Supported values are: ${supported}.`,
      param,
      "invalid_value",
    );
  }
  if (issue.code === "invalid_type" || issue.code === "invalid_union") {
    return new ApiError(400, `Invalid type for ${label}: ${issue.message}.`, param, "invalid_type");
  }
  return new ApiError(400, `Invalid ${label}: ${issue.message}.`, param, "invalid_value");
}

function requireParams(body: Record<string, unknown>, required: readonly string[]): void {
  // OpenAI answers a missing model with this exact wording and no param, unlike other fields.
  if (required.includes("model") && body.model === undefined) {
    throw new ApiError(400, "you must provide a model parameter");
  }
  for (const name of required) {
    if (body[name] === undefined) {
      throw new ApiError(400, `Missing required parameter: '${name}'.`, name, "missing_required_parameter");
    }
  }
}

export function parseBody<T>(raw: Buffer, schema: z.ZodType<T>, required: readonly string[]): T {
  let json: unknown;
  try {
    json = JSON.parse(raw.toString("utf8"));
  } catch {
    throw new ApiError(
      400,
      "We could not parse the JSON body of your request. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.",
    );
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new ApiError(400, "Invalid type for body: expected an object.", null, "invalid_type");
  }
  requireParams(json as Record<string, unknown>, required);
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw validationError(parsed.error);
  return parsed.data;
}

export function rejectStreamOptionsWithoutStream(body: {
  stream?: boolean | null;
  stream_options?: unknown;
}): void {
  if (body.stream !== true && body.stream_options !== undefined && body.stream_options !== null) {
    throw new ApiError(
      400,
      "The 'stream_options' parameter is only allowed when 'stream' is enabled.",
      "stream_options",
      "invalid_value",
    );
  }
}
