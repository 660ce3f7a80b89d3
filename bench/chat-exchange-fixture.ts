import type { ProcessingRequest } from "../proto/generated/envoy/service/ext_proc/v3/ProcessingRequest.ts";
import type { ProcessingResponse__Output } from "../proto/generated/envoy/service/ext_proc/v3/ProcessingResponse.ts";

/**
 * What Envoy sends the gateway for one buffered, non-streamed chat completion (headers SEND, body
 * BUFFERED in both directions): four messages, each waiting for its reply.
 */

export const BENCH_API_KEY = "gwk_demo_alice_7f3c9a";
export const BENCH_MODEL = "gpt-4o-mini";

export interface ExchangeStep {
  message: ProcessingRequest;
  /** The reply oneof Envoy waits for after this message. */
  expect: NonNullable<ProcessingResponse__Output["response"]>;
}

// Plain prose without personal data: the bench measures the common allow path, not redaction.
const PARAGRAPH =
  "Summarise the quarterly infrastructure review in plain language for the engineering all-hands. " +
  "Cover capacity planning for the storage tier, the migration of batch jobs to the new scheduler, " +
  "the reduction of cold-start latency in the build farm, and the open questions about cache eviction. ";

function chatRequestBody(): Buffer {
  const body = {
    model: BENCH_MODEL,
    messages: [
      { role: "system", content: "You are a concise assistant for an engineering organisation." },
      { role: "user", content: PARAGRAPH.repeat(6).trim() },
    ],
    temperature: 0.2,
    max_tokens: 256,
  };
  return Buffer.from(JSON.stringify(body));
}

function chatResponseBody(): Buffer {
  const body = {
    id: "chatcmpl-bench0000000000000000000",
    object: "chat.completion",
    created: 1_735_689_600,
    model: "gpt-4o-mini-2024-07-18",
    choices: [
      {
        index: 0,
        message: { role: "assistant", content: PARAGRAPH.repeat(2).trim(), refusal: null, annotations: [] },
        logprobs: null,
        finish_reason: "stop",
      },
    ],
    usage: {
      prompt_tokens: 412,
      completion_tokens: 98,
      total_tokens: 510,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0 },
    },
    service_tier: "default",
    system_fingerprint: "fp_bench",
  };
  return Buffer.from(JSON.stringify(body));
}

function headerMap(entries: Record<string, string>) {
  return {
    headers: Object.entries(entries).map(([key, value]) => ({ key, raw_value: Buffer.from(value) })),
  };
}

// Envoy attaches metadata_context to every message; the gateway filter forwards no namespaces.
const METADATA = { filter_metadata: {} };

export interface ChatExchangeFixture {
  requestBodyBytes: number;
  responseBodyBytes: number;
  steps(requestId: string): ExchangeStep[];
}

export function chatExchangeFixture(): ChatExchangeFixture {
  const requestBody = chatRequestBody();
  const responseBody = chatResponseBody();
  return {
    requestBodyBytes: requestBody.length,
    responseBodyBytes: responseBody.length,
    steps: (requestId) => [
      {
        message: {
          request_headers: {
            headers: headerMap({
              ":authority": "gateway.local:10000",
              ":path": "/v1/chat/completions",
              ":method": "POST",
              ":scheme": "http",
              "content-type": "application/json",
              "content-length": String(requestBody.length),
              authorization: `Bearer ${BENCH_API_KEY}`,
              accept: "application/json",
              "user-agent": "OpenAI/JS 6.9.1",
              "x-forwarded-for": "127.0.0.1",
              "x-forwarded-proto": "http",
              "x-request-id": requestId,
            }),
            end_of_stream: false,
          },
          metadata_context: METADATA,
        },
        expect: "request_headers",
      },
      {
        message: { request_body: { body: requestBody, end_of_stream: true }, metadata_context: METADATA },
        expect: "request_body",
      },
      {
        message: {
          response_headers: {
            headers: headerMap({
              ":status": "200",
              "content-type": "application/json",
              "content-length": String(responseBody.length),
              "x-request-id": requestId,
              "x-envoy-upstream-service-time": "412",
            }),
            end_of_stream: false,
          },
          metadata_context: METADATA,
        },
        expect: "response_headers",
      },
      {
        message: { response_body: { body: responseBody, end_of_stream: true }, metadata_context: METADATA },
        expect: "response_body",
      },
    ],
  };
}
