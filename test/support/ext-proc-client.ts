import * as grpc from "@grpc/grpc-js";
import { loadExtProcPackage } from "../../proto/envoy-ext-proc.ts";
import type { ProcessingRequest } from "../../proto/generated/envoy/service/ext_proc/v3/ProcessingRequest.ts";
import type { ProcessingResponse__Output } from "../../proto/generated/envoy/service/ext_proc/v3/ProcessingResponse.ts";

/** A raw ext_proc stream driven step by step, for tests that need to hold a stream open. */
export interface RawExtProcStream {
  send(message: ProcessingRequest): Promise<ProcessingResponse__Output>;
  /** Half-closes as Envoy does after the last reply; resolves with the final gRPC status code. */
  end(): Promise<grpc.status>;
}

export function openRawStream(address: string): RawExtProcStream {
  const Client = loadExtProcPackage().envoy.service.ext_proc.v3.ExternalProcessor;
  const client = new Client(address, grpc.credentials.createInsecure());
  const call = client.Process();
  const waiting: ((reply: ProcessingResponse__Output) => void)[] = [];
  let status: grpc.status | undefined;
  const statusWaiters: ((code: grpc.status) => void)[] = [];
  call.on("data", (reply: ProcessingResponse__Output) => waiting.shift()?.(reply));
  call.on("status", (s: grpc.StatusObject) => {
    status = s.code;
    for (const waiter of statusWaiters.splice(0)) waiter(s.code);
    client.close();
  });
  call.on("error", () => {});
  return {
    send: (message) =>
      new Promise((resolve, reject) => {
        if (status !== undefined) return reject(new Error(`stream already closed with status ${status}`));
        waiting.push(resolve);
        statusWaiters.push((code) => reject(new Error(`stream closed with status ${code} before a reply`)));
        call.write(message);
      }),
    end: () =>
      new Promise((resolve) => {
        if (status !== undefined) return resolve(status);
        statusWaiters.length = 0;
        statusWaiters.push(resolve);
        call.end();
      }),
  };
}

export function headersMessage(pairs: Record<string, string>, endOfStream: boolean): ProcessingRequest {
  return {
    request_headers: {
      headers: {
        headers: Object.entries(pairs).map(([key, value]) => ({ key, raw_value: Buffer.from(value) })),
      },
      end_of_stream: endOfStream,
    },
  };
}

export function responseHeadersMessage(
  pairs: Record<string, string>,
  endOfStream: boolean,
): ProcessingRequest {
  const request = headersMessage(pairs, endOfStream).request_headers;
  return { response_headers: request ?? null };
}
