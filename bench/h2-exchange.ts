import http2 from "node:http2";
import net from "node:net";
import { performance } from "node:perf_hooks";
import { status as grpcStatus } from "@grpc/grpc-js";
import type { EncodedExchange } from "./encoded-exchange.ts";
import { ExchangeError } from "./exchange-error.ts";
import { GrpcFrameReader } from "./grpc-frames.ts";
import { replyOneofField } from "./reply-oneof.ts";

/**
 * The load generator's gRPC client: plain node:http2 with pre-encoded messages and replies checked
 * by their oneof tag, so that, like Envoy's C++ client, it costs little per message and the bench's
 * figures describe the server rather than the client.
 */

const PROCESS_PATH = "/envoy.service.ext_proc.v3.ExternalProcessor/Process";

export interface ExtProcConnection {
  session: http2.ClientHttp2Session;
  /** Reused for every stream: node copies request headers, so one object serves all requests. */
  headers: http2.OutgoingHttpHeaders;
  close(): Promise<void>;
}

export function connectExtProc(port: number, timeoutMs = 10_000): Promise<ExtProcConnection> {
  const authority = `127.0.0.1:${port}`;
  return new Promise((resolve, reject) => {
    // Like Envoy (and grpc-js), no Nagle: each message is a small write that must not wait for
    // the previous one's ACK.
    const session = http2.connect(`http://${authority}`, {
      createConnection: () => net.connect({ host: "127.0.0.1", port, noDelay: true }),
    });
    const timer = setTimeout(() => {
      session.destroy();
      reject(new Error(`no HTTP/2 connection to ${authority} within ${timeoutMs} ms`));
    }, timeoutMs);
    session.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    session.once("connect", () => {
      clearTimeout(timer);
      // Later session errors reach every open stream as a stream error; this keeps them uncaught-free.
      session.on("error", () => {});
      resolve({
        session,
        headers: {
          ":method": "POST",
          ":scheme": "http",
          ":authority": authority,
          ":path": PROCESS_PATH,
          "content-type": "application/grpc",
          te: "trailers",
        },
        close: () => new Promise<void>((done) => session.close(() => done())),
      });
    });
  });
}

function grpcStatusError(code: number, message: string | undefined): ExchangeError {
  let details = message ?? "";
  try {
    details = decodeURIComponent(details);
  } catch {
    // grpc-message is percent-encoded; a malformed one is still worth showing raw.
  }
  return new ExchangeError(`grpc ${grpcStatus[code] ?? code}`, details || `grpc-status ${code}`);
}

function headerString(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Plays one HTTP request's ext_proc stream the way Envoy does: send a message, wait for its reply,
 * then the next; half-close after the last reply and wait for the server's trailers. Resolves with
 * the latency Envoy would add to the request (first message to last reply, in ms).
 */
export function runH2Exchange(
  connection: ExtProcConnection,
  exchange: EncodedExchange,
  timeoutMs: number,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const frames = exchange.nextFrames();
    const expect = exchange.expectFields;
    const stream = connection.session.request(connection.headers, { endStream: false });
    let startedAt = 0;
    let next = 0;
    let latencyMs: number | undefined;
    let statusCode: string | undefined;
    let statusMessage: string | undefined;
    let settled = false;

    const finish = (error: ExchangeError | undefined): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) {
        if (!stream.closed) stream.close(http2.constants.NGHTTP2_CANCEL);
        reject(error);
      } else {
        resolve(latencyMs ?? Number.NaN);
      }
    };
    const timer = setTimeout(() => {
      const phase =
        latencyMs === undefined ? `waiting for the ${exchange.expectNames[next]} reply` : "waiting for close";
      finish(new ExchangeError("timeout", `no progress within ${timeoutMs} ms (${phase})`));
    }, timeoutMs);

    const reader = new GrpcFrameReader((message, compressed) => {
      if (settled) return;
      if (compressed)
        return finish(new ExchangeError("compressed reply", "the bench asked for no compression"));
      const field = replyOneofField(message);
      if (latencyMs !== undefined || field !== expect[next])
        return finish(exchange.unexpectedReply(message, next));
      next += 1;
      const frame = frames[next];
      if (frame) {
        stream.write(frame);
        return;
      }
      latencyMs = performance.now() - startedAt;
      stream.end();
    });

    const takeStatus = (headers: http2.IncomingHttpHeaders): void => {
      statusCode ??= headerString(headers["grpc-status"]);
      statusMessage ??= headerString(headers["grpc-message"]);
    };
    stream.on("response", (headers) => {
      const httpStatus = headers[":status"];
      if (httpStatus !== 200)
        return finish(new ExchangeError(`http ${httpStatus}`, `server answered HTTP ${httpStatus}`));
      // A trailers-only response (an error before any message) carries grpc-status in the headers.
      takeStatus(headers);
    });
    stream.on("data", (chunk: Buffer) => reader.push(chunk));
    stream.on("trailers", takeStatus);
    stream.on("error", (error: Error) => {
      finish(new ExchangeError("http2 stream error", error.message));
    });
    // The server's END_STREAM decides the exchange; "close" would wait for our side too, which
    // stays open when the server ends the stream before the last reply.
    const outcome = (): ExchangeError | undefined => {
      if (statusCode !== undefined && statusCode !== "0") {
        return grpcStatusError(Number(statusCode), statusMessage);
      }
      if (latencyMs === undefined) {
        return new ExchangeError("closed early", `stream closed after ${next} of ${frames.length} replies`);
      }
      if (statusCode === undefined) {
        const detail = `stream closed (HTTP/2 code ${stream.rstCode}) without trailers`;
        return new ExchangeError("no grpc-status", detail);
      }
      if (reader.bufferedBytes > 0) {
        return new ExchangeError("truncated reply", `${reader.bufferedBytes} bytes of an unfinished frame`);
      }
      return undefined;
    };
    const settle = (): void => finish(outcome());
    stream.on("end", settle);
    stream.on("close", settle);

    const first = frames[0];
    if (!first) return finish(new ExchangeError("no steps", "nothing to send"));
    startedAt = performance.now();
    stream.write(first);
  });
}
