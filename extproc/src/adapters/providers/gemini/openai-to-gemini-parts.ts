import type { Translated } from "../../../pipeline/provider-translation.ts";
import type { UserContentPart } from "../openai-chat-request.ts";
import { invalidRequest, translated } from "../translation-result.ts";
import type { GeminiPart } from "./gemini-request-types.ts";
import { unsupported } from "./translation-failures.ts";

/**
 * A user message's content parts → Gemini parts. Base64 data URLs become `inlineData`. An https
 * URL becomes `fileData.fileUri`: the Gemini API fetches public and signed https URLs itself
 * (ai.google.dev/gemini-api/docs/file-input-methods), so the gateway never downloads caller-named
 * URLs. Other schemes (http, ftp...) are refused with 422. `detail` is a resolution hint with no
 * per-part Gemini equivalent on v1beta and is not forwarded.
 */

const DATA_URL = /^data:([a-z0-9.+-]+\/[a-z0-9.+-]+)(?:;[^,;]*)*;base64,(.*)$/is;

// Gemini's documented image types; an unknown extension leaves the type for Gemini to detect.
const IMAGE_TYPES: Readonly<Record<string, string>> = {
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  webp: "image/webp",
  heic: "image/heic",
  heif: "image/heif",
};

function inlineFromDataUrl(url: string, param: string): Translated<GeminiPart> {
  const match = DATA_URL.exec(url);
  if (!match?.[1] || match[2] === undefined) {
    return invalidRequest("a data URL must be of the form data:<mime type>;base64,<data>", param);
  }
  return translated({ inlineData: { mimeType: match[1].toLowerCase(), data: match[2] } });
}

function imageMimeType(url: URL): string | undefined {
  const extension = /\.([a-z0-9]+)$/i.exec(url.pathname)?.[1]?.toLowerCase();
  return extension === undefined ? undefined : IMAGE_TYPES[extension];
}

function imagePart(url: string, param: string): Translated<GeminiPart> {
  if (url.startsWith("data:")) return inlineFromDataUrl(url, param);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return invalidRequest("image_url.url must be an https URL or a base64 data URL", param);
  }
  if (parsed.protocol !== "https:")
    return unsupported(`an image URL with scheme '${parsed.protocol}'`, param);
  const mimeType = imageMimeType(parsed);
  return translated({ fileData: mimeType ? { mimeType, fileUri: url } : { fileUri: url } });
}

export function userPart(part: UserContentPart, param: string): Translated<GeminiPart> {
  switch (part.type) {
    case "text":
      return translated({ text: part.text });
    case "image_url":
      return imagePart(part.image_url.url, `${param}.image_url.url`);
    case "input_audio":
      return translated({
        inlineData: { mimeType: `audio/${part.input_audio.format}`, data: part.input_audio.data },
      });
    case "file":
      if (part.file.file_data === undefined) {
        return unsupported("a file referenced by file_id (send file_data)", `${param}.file`);
      }
      return inlineFromDataUrl(part.file.file_data, `${param}.file.file_data`);
  }
}
