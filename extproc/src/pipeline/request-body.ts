import { brotliDecompressSync, gunzipSync, inflateSync } from "node:zlib";
import { combinedHeaderValue, type HeaderList } from "../protocol/http-exchange.ts";
import { fail, ok, type Result } from "./gateway-errors.ts";

const decoders: Record<string, (body: Buffer, maxOutputLength: number) => Buffer> = {
  gzip: (body, maxOutputLength) => gunzipSync(body, { maxOutputLength }),
  "x-gzip": (body, maxOutputLength) => gunzipSync(body, { maxOutputLength }),
  deflate: (body, maxOutputLength) => inflateSync(body, { maxOutputLength }),
  br: (body, maxOutputLength) => brotliDecompressSync(body, { maxOutputLength }),
};

/**
 * A message's content-encoding, every line of it, in lower case; "" for none or identity. Read the
 * same way for requests and answers, so a second line can never hide behind the first.
 */
export function contentEncodingOf(headers: HeaderList): string {
  const encoding = (combinedHeaderValue(headers, "content-encoding") ?? "").trim().toLowerCase();
  return encoding === "identity" ? "" : encoding;
}

/**
 * Undoes the body's content-encoding so the policy inspects what the provider would read. An
 * encoding the gateway cannot decode is refused: an unreadable body never passes uninspected.
 * The decoded size is bounded like a plain body, so a small compressed bomb cannot blow up memory.
 */
export function decodeBody(body: Buffer, contentEncoding: string, maxBytes: number): Result<Buffer> {
  if (contentEncoding === "" || contentEncoding === "identity") return ok(body);
  if (contentEncoding.includes(",")) {
    return fail(
      "unsupported_content_encoding",
      `stacked content-encodings are not accepted: ${contentEncoding}`,
    );
  }
  const decode = decoders[contentEncoding];
  if (!decode) {
    return fail(
      "unsupported_content_encoding",
      `content-encoding '${contentEncoding}' is not accepted; send identity, gzip, deflate or br`,
    );
  }
  try {
    return ok(decode(body, maxBytes));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE") {
      return fail("body_too_large", `decoded request body is larger than ${maxBytes} bytes`);
    }
    return fail("invalid_body_encoding", `request body is not valid ${contentEncoding} data`);
  }
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

export function decodeUtf8(body: Buffer): Result<string> {
  try {
    return ok(utf8.decode(body));
  } catch {
    return fail("invalid_utf8", "request body is not valid UTF-8");
  }
}

/** JSON APIs accept `application/json`, with or without parameters such as charset=utf-8. */
export function isJsonContentType(contentType: string): boolean {
  const [mediaType = "", ...params] = contentType.split(";").map((part) => part.trim());
  if (mediaType !== "application/json") return false;
  return params.every((param) => !param.startsWith("charset=") || /^charset="?utf-8"?$/i.test(param));
}
