import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  applyTextEdits,
  jsonStringValues,
  stringTokenValue,
  visitStringValues,
} from "../../extproc/src/pipeline/json-string-values.ts";
import { seededRandom } from "../support/seeded-random.ts";

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

  it("finds exactly the string values JSON.parse reads, whatever escapes and backslash runs they hold", () => {
    const random = seededRandom(7);
    const pieces = ["a", " ", '"', "\\", "\\\\", "\u00e9", "é", "😀", "\n", "{", "]", ",", ":"];
    const randomString = (): string => {
      let out = "";
      const length = Math.floor(random() * 12);
      for (let i = 0; i < length; i++) out += pieces[Math.floor(random() * pieces.length)];
      return out;
    };
    const randomValue = (depth: number): unknown => {
      const pick = random();
      if (depth > 3 || pick < 0.4) return randomString();
      if (pick < 0.5) return Math.floor(random() * 100);
      if (pick < 0.75) return Array.from({ length: Math.floor(random() * 4) }, () => randomValue(depth + 1));
      return Object.fromEntries(
        Array.from({ length: Math.floor(random() * 4) }, (_, i) => [
          `${randomString()}${i}`,
          randomValue(depth + 1),
        ]),
      );
    };
    const expected = (value: unknown, out: string[]): string[] => {
      if (typeof value === "string") out.push(value);
      else if (Array.isArray(value)) for (const item of value) expected(item, out);
      else if (typeof value === "object" && value !== null)
        for (const item of Object.values(value)) expected(item, out);
      return out;
    };
    for (let round = 0; round < 500; round++) {
      const value = randomValue(0);
      const text = JSON.stringify(value, null, round % 2 === 0 ? undefined : 1);
      const found: string[] = [];
      visitStringValues(text, (_path, start, end) =>
        found.push(JSON.parse(text.slice(start, end)) as string),
      );
      assert.deepEqual(found, expected(value, []), text);
    }
  });
});

describe("decoding string tokens", () => {
  it("reads a token with or without escapes as JSON.parse does", () => {
    const text = '{"a":"plain é","b":"esc\\"aped\\u0040\\n","c":[""]}';
    const tokens: string[] = [];
    visitStringValues(text, (_path, start, end) => {
      assert.equal(stringTokenValue(text, start, end), JSON.parse(text.slice(start, end)));
      tokens.push(stringTokenValue(text, start, end));
    });
    assert.deepEqual(tokens, ["plain é", 'esc"aped@\n', ""]);
  });

  it("lists a JSON text's string values with their spans, and nothing for a text that is not JSON", () => {
    const text = '{"to":"a@b.c","n":[1,"x"]}';
    assert.deepEqual(
      jsonStringValues(text)?.map(({ start, end, value }) => [text.slice(start, end), value]),
      [
        ['"a@b.c"', "a@b.c"],
        ['"x"', "x"],
      ],
    );
    assert.equal(jsonStringValues('{"to":"a@b'), undefined);
  });

  it("lists whole numbers of nine digits or more beside the strings when asked, never parts of other numbers", () => {
    const text =
      '{"card":4111111111111111,"ts":1.7000000001e12,"n":-123456789,"m":123456789,"small":12345678,"f":1234567890.5,"s":"x","4111111111111111":1,"no 5555555555554444":2}';
    assert.deepEqual(
      jsonStringValues(text, { withLongIntegers: true })?.map(({ start, end, value }) => [
        text.slice(start, end),
        value,
      ]),
      [
        ["4111111111111111", "4111111111111111"],
        ["123456789", "123456789"],
        ['"x"', "x"],
      ],
    );
  });
});
