import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { brotliCompressSync, deflateSync, gzipSync } from "node:zlib";
import {
  contentEncodingOf,
  decodeBody,
  decodeUtf8,
  isJsonContentType,
} from "../../extproc/src/pipeline/request-body.ts";

describe("decoding request bodies before inspection", () => {
  const plain = Buffer.from('{"model":"gpt-4o-mini"}');

  it("decodes gzip, deflate and br so the policy sees what the provider reads", () => {
    for (const [encoding, encoded] of [
      ["gzip", gzipSync(plain)],
      ["deflate", deflateSync(plain)],
      ["br", brotliCompressSync(plain)],
    ] as const) {
      const result = decodeBody(encoded, encoding, 1024);
      assert.ok(result.ok, encoding);
      assert.deepEqual(result.value, plain);
    }
  });

  it("refuses encodings it cannot read instead of passing them uninspected", () => {
    for (const encoding of ["zstd", "compress", "gzip, br", "x-custom"]) {
      const result = decodeBody(plain, encoding, 1024);
      assert.equal(result.ok ? "" : result.error.code, "unsupported_content_encoding", encoding);
    }
  });

  it("refuses a body that claims gzip but is not", () => {
    const result = decodeBody(plain, "gzip", 1024);
    assert.equal(result.ok ? "" : result.error.code, "invalid_body_encoding");
  });

  it("bounds the decoded size, so a compression bomb is a 413", () => {
    const bomb = gzipSync(Buffer.alloc(10 * 1024 * 1024, 0x20));
    const result = decodeBody(bomb, "gzip", 1024 * 1024);
    assert.equal(result.ok ? "" : result.error.code, "body_too_large");
  });

  it("refuses invalid UTF-8", () => {
    const result = decodeUtf8(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]));
    assert.equal(result.ok ? "" : result.error.code, "invalid_utf8");
  });

  it("accepts application/json with a UTF-8 charset only", () => {
    assert.equal(isJsonContentType("application/json"), true);
    assert.equal(isJsonContentType("application/json; charset=utf-8"), true);
    assert.equal(isJsonContentType("application/json; charset=latin1"), false);
    assert.equal(isJsonContentType("text/plain"), false);
    assert.equal(isJsonContentType(""), false);
  });
});

describe("reading a message's content-encoding", () => {
  it("combines every line, so a second one never hides behind the first, and reads identity as none", () => {
    const headers = (...values: string[]) => values.map((value) => ({ name: "content-encoding", value }));
    assert.equal(contentEncodingOf(headers("identity", "gzip")), "identity, gzip");
    assert.equal(contentEncodingOf(headers(" GZIP ")), "gzip");
    assert.equal(contentEncodingOf(headers("identity")), "");
    assert.equal(contentEncodingOf([]), "");
  });
});
