import { Readable } from "node:stream";
import {
  AnthropicToOpenAiStream,
  anthropicToOpenAiChat,
  openAiChatToAnthropic,
} from "../../../extproc/src/adapters/providers/anthropic/index.ts";

/**
 * A fetch for the openai SDK that does in-process what the gateway will do around Envoy: translate
 * the chat request for Anthropic, send it to the mock, translate the answer (whole or streamed,
 * chunk by chunk) back. Tests then let the openai SDK itself judge what the translation produced.
 */

const json = (status: number, body: unknown): Response =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

async function* endOnCut(source: AsyncGenerator<Buffer>, onCut: () => Buffer): AsyncGenerator<Buffer> {
  try {
    yield* source;
  } catch {
    // The provider's connection broke: the translator's end() reports the interruption.
    yield onCut();
  }
}

export function translatingFetch(upstreamUrl: string, apiKey: string, anthropicModel?: string): typeof fetch {
  return async (_input, init) => {
    const request = JSON.parse(String(init?.body)) as { model: string; stream?: boolean };
    const model = anthropicModel ?? request.model;
    const translation = openAiChatToAnthropic(request, model);
    if (!translation.ok) {
      const { status, code, message, param } = translation.error;
      return json(status, { error: { message, type: "invalid_request_error", param, code } });
    }
    const { path, headers, body } = translation.value;
    const upstream = await fetch(`${upstreamUrl}${path}`, {
      method: "POST",
      headers: { ...headers, "x-api-key": apiKey },
      body,
    });
    const isStream =
      upstream.ok && (upstream.headers.get("content-type") ?? "").startsWith("text/event-stream");
    if (!isStream || upstream.body === null) {
      const answer = anthropicToOpenAiChat(
        upstream.status,
        Buffer.from(await upstream.arrayBuffer()),
        request.model,
      );
      return json(answer.status, JSON.parse(answer.body.toString("utf8")));
    }
    const translator = new AnthropicToOpenAiStream(request.model);
    const source = (async function* () {
      for await (const chunk of Readable.fromWeb(
        upstream.body as import("node:stream/web").ReadableStream<Uint8Array>,
      )) {
        const out = translator.push(Buffer.from(chunk as Uint8Array));
        if (out.length > 0) yield out;
      }
      yield translator.end();
    })();
    const stream = Readable.toWeb(Readable.from(endOnCut(source, () => translator.end())));
    return new Response(stream as ReadableStream<Uint8Array>, {
      status: 200,
      headers: { "content-type": "text/event-stream" },
    });
  };
}
