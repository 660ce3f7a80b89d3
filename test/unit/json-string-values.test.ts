import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { applyTextEdits, visitStringValues } from "../../extproc/src/pipeline/json-string-values.ts";

function strings(text: string): [string, string][] {
  const found: [string, string][] = [];
  visitStringValues(text, (path, start, end) => found.push([JSON.stringify(path), text.slice(start, end)]));
  return found;
}

describe("walking the string values of a JSON text", () => {
  it("reports each string value with its path and exact token, keys excluded", () => {
    const text =
      '{"model":"m","messages":[{"role":"user","content":"hi \\"x\\""},{"content":[{"type":"text","text":"a"}]}],"n":[1,"s",{"k\\u0041":"v"}]}';
    assert.deepEqual(strings(text), [
      ['["model"]', '"m"'],
      ['["messages",0,"role"]', '"user"'],
      ['["messages",0,"content"]', '"hi \\"x\\""'],
      ['["messages",1,"content",0,"type"]', '"text"'],
      ['["messages",1,"content",0,"text"]', '"a"'],
      ['["n",1]', '"s"'],
      ['["n",2,"kA"]', '"v"'],
    ]);
  });

  it("reports duplicate member names and excessive depth when asked to", () => {
    const limits = { rejectDuplicateKeys: true, maxDepth: 3 };
    assert.deepEqual(
      visitStringValues('{"a":{"b":1,"b":2}}', () => {}, limits),
      { kind: "duplicate_key", key: "b" },
    );
    assert.deepEqual(
      visitStringValues("[[[[1]]]]", () => {}, limits),
      { kind: "too_deep", maxDepth: 3 },
    );
    assert.equal(
      visitStringValues('{"a":{"b":1},"c":{"b":2}}', () => {}, limits),
      undefined,
    );
  });

  it("splices edits into the text and leaves everything else untouched", () => {
    const text = '{ "a" : "x",  "b":"y" }';
    const edits: { start: number; end: number; replacement: string }[] = [];
    visitStringValues(text, (path, start, end) => {
      if (path[0] === "b") edits.push({ start, end, replacement: '"Y"' });
    });
    assert.equal(applyTextEdits(text, edits), '{ "a" : "x",  "b":"Y" }');
  });
});
