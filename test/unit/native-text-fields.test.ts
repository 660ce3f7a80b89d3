import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { modelTextFields } from "../../extproc/src/pipeline/pii/model-text-fields.ts";
import type { ApiKind } from "../../extproc/src/pipeline/policy-input.ts";

/** The strings of a native request a model reads (and the PII scan sees), with where they sit. */
function readFields(api: ApiKind, body: unknown) {
  const text = JSON.stringify(body);
  const scan = modelTextFields(api, text, body);
  return {
    fields: scan.fields.map(
      (field) =>
        `${field.location.message_index}/${field.location.role}/${field.location.field}=${field.text}`,
    ),
    nonTextParts: scan.nonTextParts,
  };
}

describe("the text an Anthropic Messages request gives a model", () => {
  it("reads system, message text, tool_use input strings, tool_result content and plain-text documents; skips ids, names and binary sources", () => {
    const result = readFields("anthropic.messages", {
      model: "claude-haiku-4-5",
      max_tokens: 100,
      system: [{ type: "text", text: "sys a@b.example", cache_control: { type: "ephemeral" } }],
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "hello" },
            { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } },
            { type: "document", source: { type: "text", media_type: "text/plain", data: "doc" } },
          ],
        },
        {
          role: "assistant",
          content: [
            { type: "thinking", thinking: "hmm", signature: "sig" },
            {
              type: "tool_use",
              id: "toolu_1",
              name: "lookup",
              input: { name: "Jane", nested: { email: "j@x.example" }, n: 3 },
            },
          ],
        },
        {
          role: "user",
          content: [
            { type: "tool_result", tool_use_id: "toolu_1", content: [{ type: "text", text: "found" }] },
            { type: "tool_result", tool_use_id: "toolu_2", content: "plain result" },
          ],
        },
        { role: "assistant", content: "a string reply" },
      ],
    });
    assert.deepEqual(result.fields, [
      "null/system/system[0].text=sys a@b.example",
      "0/user/content[0].text=hello",
      "0/user/content[2].source.data=doc",
      "1/assistant/content[1].input.name=Jane",
      "1/assistant/content[1].input.nested.email=j@x.example",
      "2/user/content[0].content[0].text=found",
      "2/user/content[1].content=plain result",
      "3/assistant/content=a string reply",
    ]);
    assert.equal(result.nonTextParts, 1, "the image; the plain-text document is read as text");
  });

  it("reads every form of document a model reads as text, and never a binary one", () => {
    const result = readFields("anthropic.messages", {
      model: "m",
      max_tokens: 1,
      messages: [
        {
          role: "user",
          content: [
            {
              type: "document",
              title: "Offer for J. Doe",
              context: "from the CRM",
              source: { type: "text", media_type: "text/plain", data: "call 415-555-0134" },
            },
            {
              type: "document",
              source: { type: "content", content: [{ type: "text", text: "chunk one" }] },
            },
            { type: "document", source: { type: "base64", media_type: "application/pdf", data: "JVBERi0=" } },
            { type: "document", source: { type: "url", url: "https://example.com/a.pdf" } },
            {
              type: "tool_result",
              tool_use_id: "t1",
              content: [
                { type: "document", source: { type: "text", media_type: "text/plain", data: "nested" } },
              ],
            },
          ],
        },
      ],
    });
    assert.deepEqual(result.fields, [
      "0/user/content[0].title=Offer for J. Doe",
      "0/user/content[0].context=from the CRM",
      "0/user/content[0].source.data=call 415-555-0134",
      "0/user/content[1].source.content[0].text=chunk one",
      "0/user/content[4].content[0].source.data=nested",
    ]);
    assert.equal(result.nonTextParts, 2, "the PDF and the URL document");
  });

  it("reads a system prompt given as a string", () => {
    const result = readFields("anthropic.messages", {
      model: "m",
      max_tokens: 1,
      system: "be brief",
      messages: [{ role: "user", content: "hi" }],
    });
    assert.deepEqual(result.fields, ["null/system/system=be brief", "0/user/content=hi"]);
  });
});

describe("the text a Gemini generateContent request gives a model", () => {
  it("reads part text, function call args and function responses; skips inline data, files and names", () => {
    for (const api of ["gemini.generate_content", "gemini.stream_generate_content"] as const) {
      const result = readFields(api, {
        systemInstruction: { parts: [{ text: "sys" }] },
        contents: [
          {
            role: "user",
            parts: [
              { text: "hello" },
              { inlineData: { mimeType: "image/png", data: "iVBORw0KGgo=" } },
              { fileData: { mimeType: "application/pdf", fileUri: "gs://b/f.pdf" } },
            ],
          },
          {
            role: "model",
            parts: [
              {
                functionCall: { id: "c1", name: "lookup", args: { who: "Jane", deep: ["x"] } },
                thoughtSignature: "c2ln",
              },
            ],
          },
          {
            role: "user",
            parts: [{ functionResponse: { name: "lookup", response: { email: "j@x.example" } } }],
          },
        ],
        generationConfig: { stopSequences: ["END"] },
      });
      assert.deepEqual(result.fields, [
        "null/system/systemInstruction.parts[0].text=sys",
        "0/user/parts[0].text=hello",
        "1/model/parts[0].functionCall.args.who=Jane",
        "1/model/parts[0].functionCall.args.deep[0]=x",
        "2/user/parts[0].functionResponse.response.email=j@x.example",
        "null/null/generationConfig.stopSequences[0]=END",
      ]);
      assert.equal(result.nonTextParts, 2);
    }
  });
});

describe("the text outside the conversation: tools, schemas and options", () => {
  it("reads OpenAI tool descriptions and parameter schemas, response schemas, stop, user and metadata; skips the model, names, types and schema structure", () => {
    const result = readFields("openai.chat_completions", {
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "hi" }],
      tools: [
        {
          type: "function",
          function: {
            name: "lookup",
            description: "mail a@b.example",
            parameters: {
              type: "object",
              properties: {
                who: { type: "string", description: "the person", enum: ["c@d.example"], format: "email" },
                code: { type: "string", pattern: "^[0-9]{4}$", $ref: "#/$defs/code" },
              },
              required: ["who"],
            },
          },
        },
      ],
      tool_choice: { type: "function", function: { name: "lookup" } },
      response_format: {
        type: "json_schema",
        json_schema: { name: "answer", description: "about e@f.example", schema: { type: "object" } },
      },
      stop: ["STOP"],
      user: "g@h.example",
      metadata: { customer: "i@j.example" },
      prediction: { type: "content", content: "predicted" },
    });
    assert.deepEqual(result.fields, [
      "0/user/content=hi",
      "null/null/tools[0].function.description=mail a@b.example",
      "null/null/tools[0].function.parameters.properties.who.description=the person",
      "null/null/tools[0].function.parameters.properties.who.enum[0]=c@d.example",
      "null/null/response_format.json_schema.description=about e@f.example",
      "null/null/stop[0]=STOP",
      "null/null/user=g@h.example",
      "null/null/metadata.customer=i@j.example",
      "null/null/prediction.content=predicted",
    ]);
  });

  it("reads a legacy completion's suffix and user beside its prompt", () => {
    const result = readFields("openai.completions", {
      model: "gpt-3.5-turbo-instruct",
      prompt: ["one", "two"],
      suffix: "after",
      user: "u@v.example",
    });
    assert.deepEqual(result.fields, [
      "null/null/prompt[0]=one",
      "null/null/prompt[1]=two",
      "null/null/suffix=after",
      "null/null/user=u@v.example",
    ]);
  });

  it("reads Anthropic tool descriptions and input schemas, metadata and stop sequences; skips tool names", () => {
    const result = readFields("anthropic.messages", {
      model: "claude-haiku-4-5",
      max_tokens: 10,
      messages: [{ role: "user", content: "hi" }],
      tools: [
        {
          name: "lookup",
          description: "mail a@b.example",
          input_schema: { type: "object", properties: { who: { type: "string", description: "whom" } } },
        },
      ],
      tool_choice: { type: "tool", name: "lookup" },
      metadata: { user_id: "c@d.example" },
      stop_sequences: ["END"],
    });
    assert.deepEqual(result.fields, [
      "0/user/content=hi",
      "null/null/tools[0].description=mail a@b.example",
      "null/null/tools[0].input_schema.properties.who.description=whom",
      "null/null/metadata.user_id=c@d.example",
      "null/null/stop_sequences[0]=END",
    ]);
  });

  it("reads Gemini function declarations and response schemas; skips names and name lists", () => {
    const result = readFields("gemini.generate_content", {
      contents: [{ role: "user", parts: [{ text: "hi" }] }],
      tools: [
        {
          functionDeclarations: [
            {
              name: "lookup",
              description: "mail a@b.example",
              parameters: {
                type: "OBJECT",
                properties: { who: { type: "STRING", description: "whom" } },
                propertyOrdering: ["who"],
              },
            },
          ],
        },
      ],
      toolConfig: { functionCallingConfig: { mode: "ANY", allowedFunctionNames: ["lookup"] } },
      generationConfig: { responseSchema: { type: "OBJECT", description: "about c@d.example" } },
    });
    assert.deepEqual(result.fields, [
      "0/user/parts[0].text=hi",
      "null/null/tools[0].functionDeclarations[0].description=mail a@b.example",
      "null/null/tools[0].functionDeclarations[0].parameters.properties.who.description=whom",
      "null/null/toolConfig.functionCallingConfig.mode=ANY",
      "null/null/generationConfig.responseSchema.description=about c@d.example",
    ]);
  });
});

describe("text a detector cannot read", () => {
  it("reads Gemini executable code and its result in a request, never inline data or signatures", () => {
    const result = readFields("gemini.generate_content", {
      contents: [
        {
          role: "model",
          parts: [
            { executableCode: { language: "PYTHON", code: "print(1)" } },
            { codeExecutionResult: { outcome: "OUTCOME_OK", output: "1" } },
            { text: "t", thoughtSignature: "c2ln" },
          ],
        },
      ],
    });
    assert.deepEqual(result.fields, [
      "0/model/parts[0].executableCode.language=PYTHON",
      "0/model/parts[0].executableCode.code=print(1)",
      "0/model/parts[1].codeExecutionResult.outcome=OUTCOME_OK",
      "0/model/parts[1].codeExecutionResult.output=1",
      "0/model/parts[2].text=t",
    ]);
  });

  it("counts prompts and inputs given as token ids as parts that are not text", () => {
    assert.equal(readFields("openai.completions", { model: "m", prompt: [1, 2, 3] }).nonTextParts, 1);
    assert.equal(readFields("openai.completions", { model: "m", prompt: [[1], [2, 3]] }).nonTextParts, 2);
    assert.equal(readFields("openai.embeddings", { model: "m", input: [[1, 2]] }).nonTextParts, 1);
    assert.equal(readFields("openai.embeddings", { model: "m", input: ["text"] }).nonTextParts, 0);
  });
});
