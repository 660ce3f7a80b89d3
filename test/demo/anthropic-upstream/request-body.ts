import type { z } from "zod";
import { invalidRequest } from "./api-error.ts";
import { MessagesRequest } from "./request-schemas.ts";

/**
 * Parses a Messages request and fails in Anthropic's words: `<dotted.path>: <reason>`, e.g.
 * "max_tokens: Field required" or "n: Extra inputs are not permitted".
 */

function dotted(path: readonly PropertyKey[]): string {
  return path.map(String).join(".");
}

function describe(issue: z.core.$ZodIssue): string {
  const at = dotted(issue.path);
  const prefix = at === "" ? "" : `${at}: `;
  if (issue.code === "unrecognized_keys") {
    const key = issue.keys[0] ?? "";
    return `${at === "" ? key : `${at}.${key}`}: Extra inputs are not permitted`;
  }
  if (issue.code === "invalid_type" && issue.input === undefined) return `${prefix}Field required`;
  if (issue.code === "too_big" && issue.origin === "number") {
    return `${prefix}Input should be less than or equal to ${String(issue.maximum)}`;
  }
  if (issue.code === "too_small" && issue.origin === "number") {
    return `${prefix}Input should be greater than or equal to ${String(issue.minimum)}`;
  }
  if (issue.code === "invalid_value") {
    return `${prefix}Input should be ${issue.values.map((v) => `'${String(v)}'`).join(" or ")}`;
  }
  return `${prefix}${issue.message}`;
}

export function parseMessagesRequest(raw: Buffer): MessagesRequest {
  let json: unknown;
  try {
    json = JSON.parse(raw.toString("utf8"));
  } catch {
    throw invalidRequest("There was an issue with your request body: it is not valid JSON.");
  }
  const parsed = MessagesRequest.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw invalidRequest(issue ? describe(issue) : "Invalid request body.");
  }
  return parsed.data;
}
