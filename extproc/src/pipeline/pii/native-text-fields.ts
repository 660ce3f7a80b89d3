import { isObject } from "../json-object.ts";
import { formatPath, type JsonPath } from "../json-string-values.ts";
import type { TextLocation } from "./model-text-fields.ts";

/**
 * Which strings of the native APIs' requests a model reads, by path; the values themselves are
 * found by the one JSON scan of model-text-fields.ts.
 *
 * Anthropic Messages: `system` (a string or text blocks) and `messages[i].content` (a string or
 * blocks: text, tool_use `input` (an object, each of its strings), tool_result `content`, and
 * documents whose source is plain text (`source.data` of a `text` source, the blocks of a
 * `content` source) with their `title` and `context`), never what is not text a detector can
 * read: block types, ids and tool names, image and base64/URL/file document sources, nor
 * thinking blocks, whose signature would no longer match a redacted text.
 *
 * Gemini generateContent: `contents[i].parts[j]` and `systemInstruction.parts[j]`: `text`,
 * executable code and its result, the strings inside `functionCall.args` and
 * `functionResponse.response`; never `inlineData` or `fileData` (binary or a URI), names, ids or
 * thought signatures.
 */

export function anthropicMessageText(path: JsonPath, body: unknown): TextLocation | undefined {
  if (path[0] === "system") {
    return path.length === 1 || isTextBlock(path.slice(1))
      ? { message_index: null, role: "system", field: formatPath(path) }
      : undefined;
  }
  if (path[0] !== "messages" || typeof path[1] !== "number" || path[2] !== "content") return undefined;
  const message = itemAt(body, "messages", path[1]);
  if (path.length > 3 && !isBlockListText(path.slice(3), message?.content)) return undefined;
  return {
    message_index: path[1],
    role: typeof message?.role === "string" ? message.role : null,
    field: formatPath(path.slice(2)),
  };
}

/** `[j].text` of a block list. */
function isTextBlock(path: JsonPath): boolean {
  return path.length === 2 && typeof path[0] === "number" && path[1] === "text";
}

/** A string at `path` inside a list of content blocks (a message's, a tool result's, a document's). */
function isBlockListText(path: JsonPath, blocks: unknown): boolean {
  const index = path[0];
  if (typeof index !== "number" || !Array.isArray(blocks)) return false;
  const block: unknown = blocks[index];
  return isObject(block) && isBlockText(path.slice(1), block);
}

/**
 * Inside one block, whatever its type (a block type the gateway does not know is read the same
 * way): its `text`, any string of an `input` (a tool_use's: its keys are the tool's, so `name` or
 * `id` there is data), its `content` (a tool result's string or blocks), and a plain-text
 * document's text, title and context. Everything else is structure, ids, names, binary sources or
 * signed thinking.
 */
function isBlockText(path: JsonPath, block: Record<string, unknown>): boolean {
  const [key, ...rest] = path;
  if (key === "text") return rest.length === 0;
  if (key === "input") return rest.length > 0;
  if (key === "content") return rest.length === 0 || isBlockListText(rest, block.content);
  return block.type === "document" && isDocumentText(path, block);
}

function isDocumentText(path: JsonPath, document: Record<string, unknown>): boolean {
  const [key, ...rest] = path;
  if ((key === "title" || key === "context") && rest.length === 0) return true;
  if (key !== "source" || !isObject(document.source)) return false;
  const source = document.source;
  if (source.type === "text") return rest.length === 1 && rest[0] === "data";
  if (source.type === "content")
    return rest[0] === "content" && isBlockListText(rest.slice(1), source.content);
  return false;
}

export function geminiContentText(path: JsonPath, body: unknown): TextLocation | undefined {
  if (path[0] === "systemInstruction") {
    return path[1] === "parts" && isPartText(path.slice(2))
      ? { message_index: null, role: "system", field: formatPath(path) }
      : undefined;
  }
  if (path[0] !== "contents" || typeof path[1] !== "number" || path[2] !== "parts") return undefined;
  if (!isPartText(path.slice(3))) return undefined;
  const content = itemAt(body, "contents", path[1]);
  return {
    message_index: path[1],
    role: typeof content?.role === "string" ? content.role : null,
    field: formatPath(path.slice(2)),
  };
}

/**
 * Inside `parts`: every string of a part (`text`, executable code and its result, a kind of part
 * the gateway does not know) but binary or file data and thought signatures; of a function call or
 * response, the strings of its `args` / `response`, never its name or id.
 */
function isPartText(path: JsonPath): boolean {
  if (typeof path[0] !== "number" || path.length < 2) return false;
  const kind = path[1];
  if (kind === "functionCall") return path[2] === "args";
  if (kind === "functionResponse") return path[2] === "response";
  return typeof kind === "string" && !PART_MEMBERS_NOT_TEXT.has(kind);
}

const PART_MEMBERS_NOT_TEXT = new Set(["inlineData", "fileData", "thoughtSignature", "videoMetadata"]);

/** Images and binary documents (also inside tool results): passed untouched, counted for the policy. */
export function countAnthropicNonTextBlocks(body: unknown): number {
  let count = 0;
  const visit = (blocks: unknown): void => {
    if (!Array.isArray(blocks)) return;
    for (const block of blocks) {
      if (!isObject(block)) continue;
      const textDocument =
        block.type === "document" &&
        isObject(block.source) &&
        (block.source.type === "text" || block.source.type === "content");
      if (block.type === "image" || (block.type === "document" && !textDocument)) count += 1;
      if (block.type === "tool_result") visit(block.content);
    }
  };
  for (const message of arrayAt(body, "messages")) if (isObject(message)) visit(message.content);
  return count;
}

/** Inline data and file references: passed untouched, counted for the policy. */
export function countGeminiNonTextParts(body: unknown): number {
  let count = 0;
  const contents = [...arrayAt(body, "contents"), isObject(body) ? body.systemInstruction : undefined];
  for (const content of contents) {
    if (!isObject(content) || !Array.isArray(content.parts)) continue;
    for (const part of content.parts) {
      if (isObject(part) && (part.inlineData !== undefined || part.fileData !== undefined)) count += 1;
    }
  }
  return count;
}

function arrayAt(body: unknown, key: string): unknown[] {
  const value = isObject(body) ? body[key] : undefined;
  return Array.isArray(value) ? value : [];
}

function itemAt(body: unknown, key: string, index: number): Record<string, unknown> | undefined {
  const item = arrayAt(body, key)[index];
  return isObject(item) ? item : undefined;
}
