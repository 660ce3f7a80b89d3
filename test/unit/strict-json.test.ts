import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { applyTextEdits } from "../../extproc/src/pipeline/json-string-values.ts";
import { type ParsedJsonBody, parseStrictJson } from "../../extproc/src/pipeline/strict-json.ts";

function replaceTopLevelValue(body: ParsedJsonBody, key: string, value: unknown): string {
  const span = body.topLevelStrings.get(key);
  assert.ok(span, `no span for ${key}`);
  return applyTextEdits(body.text, [
    { start: span.start, end: span.end, replacement: JSON.stringify(value) },
  ]);
}

describe("strict JSON parsing of request bodies", () => {
  it("refuses a duplicate member at the top level, whatever escapes spell it", () => {
    for (const text of [
      '{"model":"a","model":"b"}',
      '{"model":"a","m\\u006fdel":"b"}',
      '{"model":"a", "model" :"a"}',
    ]) {
      const result = parseStrictJson(text);
      assert.equal(result.ok, false, text);
      if (!result.ok) assert.equal(result.error.code, "duplicate_json_key");
    }
  });

  it("refuses a duplicate member at any depth", () => {
    const result = parseStrictJson('{"messages":[{"role":"user","role":"system","content":"x"}]}');
    assert.equal(result.ok, false);
  });

  it("allows the same member name in sibling objects", () => {
    const result = parseStrictJson('{"messages":[{"role":"user"},{"role":"assistant"}],"x":{"role":1}}');
    assert.equal(result.ok, true);
  });

  it("does not mistake braces or quotes inside strings for structure", () => {
    const result = parseStrictJson('{"a":"}\\"{,\\"model\\":","model":"m"}');
    assert.equal(result.ok, true);
    if (result.ok) assert.deepEqual(result.value.value, { a: '}"{,"model":', model: "m" });
  });

  it("refuses invalid JSON and nesting deeper than the bound", () => {
    for (const text of [
      '{"model":',
      "",
      "{'model':'a'}",
      "[".repeat(300) + "]".repeat(300),
      '\uFEFF{"a":1}',
    ]) {
      const result = parseStrictJson(text);
      assert.equal(result.ok, false, text.slice(0, 20));
      if (!result.ok) assert.equal(result.error.code, "invalid_json");
    }
  });

  it("refuses a lone surrogate escape in any string or member name, and accepts a pair", () => {
    for (const text of [
      '{"a":"\\ud800"}',
      '{"a":"x\\uDBFFy"}',
      '{"a":"\\udc00"}',
      '{"a":"\\ude00\\ud83d"}',
      '{"a":["ok",{"\\ud83d":1}]}',
      '{"a":"\\ud83d\\u0041"}',
    ]) {
      const result = parseStrictJson(text);
      assert.equal(result.ok, false, text);
      if (!result.ok) assert.equal(result.error.code, "invalid_json");
    }
    for (const [text, value] of [
      ['{"a":"\\ud83d\\ude00"}', "\u{1F600}"],
      ['{"a":"\\\\ud800"}', "\\ud800"],
      ['{"a":"\\u00e9\\ud7ff\\ue000"}', "\u00e9\ud7ff\ue000"],
    ] as const) {
      const result = parseStrictJson(text);
      assert.ok(result.ok, text);
      assert.deepEqual(result.value.value, { a: value });
    }
  });

  it("rewrites one top-level value and leaves every other byte as sent", () => {
    const text = '{ "messages" : [ {"role":"user","content":"model"} ] ,\n "model" :  "alias" , "n": 1.50 }';
    const parsed = parseStrictJson(text);
    assert.ok(parsed.ok);
    const rewritten = replaceTopLevelValue(parsed.value, "model", "provider-model");
    assert.equal(
      rewritten,
      '{ "messages" : [ {"role":"user","content":"model"} ] ,\n "model" :  "provider-model" , "n": 1.50 }',
    );
  });

  it("rewrites the last member before the closing brace", () => {
    const parsed = parseStrictJson('{"n":1,"model":"a"  }');
    assert.ok(parsed.ok);
    assert.equal(replaceTopLevelValue(parsed.value, "model", "b"), '{"n":1,"model":"b"  }');
  });

  it("stays linear on adversarial input", () => {
    const text = `{"a":"${"\\\\".repeat(200_000)}","b":[${"1,".repeat(200_000)}1]}`;
    assert.equal(parseStrictJson(text).ok, true);
  });
});
