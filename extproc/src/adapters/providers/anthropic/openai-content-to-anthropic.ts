import type { Translated } from "../../../pipeline/provider-translation.ts";
import type { TextContent, UserContent } from "../openai-chat-request.ts";
import { invalidRequest, translated, unsupportedFeature } from "../translation-result.ts";
import type { ImageSource, TextBlock, UserBlock } from "./anthropic-request-types.ts";

/** OpenAI message content (a string or content parts) to Anthropic content blocks. */

// The image formats Anthropic accepts; anything else it would refuse after a round trip.
const IMAGE_MEDIA_TYPES = new Set(["image/jpeg", "image/png", "image/gif", "image/webp"]);
const DATA_URL = /^data:([^;,]+);base64,(.*)$/s;

// Anthropic refuses empty text blocks, and an empty OpenAI string carries nothing.
function textBlocks(texts: readonly string[]): TextBlock[] {
  return texts.filter((text) => text !== "").map((text) => ({ type: "text", text }));
}

export function textContentBlocks(content: TextContent): TextBlock[] {
  return textBlocks(typeof content === "string" ? [content] : content.map((part) => part.text));
}

function imageSource(url: string, param: string): Translated<ImageSource> {
  if (url.startsWith("data:")) {
    const match = DATA_URL.exec(url);
    const mediaType = match?.[1];
    const data = match?.[2];
    if (mediaType === undefined || data === undefined || data === "") {
      return invalidRequest(
        "image data URLs must be base64 encoded (data:<media type>;base64,<data>)",
        param,
      );
    }
    if (!IMAGE_MEDIA_TYPES.has(mediaType)) {
      return unsupportedFeature(`image type ${mediaType} is not supported by anthropic`, param);
    }
    return translated({ type: "base64", media_type: mediaType, data });
  }
  if (/^https?:\/\//i.test(url)) return translated({ type: "url", url });
  return invalidRequest("image_url must be an http(s) URL or a base64 data URL", param);
}

/** `param` names the message for errors, e.g. `messages[2].content`. */
export function userContentBlocks(content: UserContent, param: string): Translated<UserBlock[]> {
  if (typeof content === "string") return translated(textBlocks([content]));
  const blocks: UserBlock[] = [];
  for (const [index, part] of content.entries()) {
    const partParam = `${param}[${index}]`;
    if (part.type === "text") {
      blocks.push(...textBlocks([part.text]));
    } else if (part.type === "image_url") {
      // `detail` is a resolution hint with no Anthropic counterpart; the image itself is kept.
      const source = imageSource(part.image_url.url, `${partParam}.image_url.url`);
      if (!source.ok) return source;
      blocks.push({ type: "image", source: source.value });
    } else {
      return unsupportedFeature(`${part.type} content parts are not supported by anthropic`, partParam);
    }
  }
  return translated(blocks);
}
