import { randomBytes } from "node:crypto";

/** The id and creation time stamped on translated answers; injected so tests are deterministic. */
export interface ResponseStamps {
  /** `chatcmpl-` id; Gemini's own responseId is used when the answer has one. */
  id(responseId: string | undefined): string;
  nowSeconds(): number;
}

export const systemStamps: ResponseStamps = {
  id: (responseId) => `chatcmpl-${responseId ?? randomBytes(12).toString("base64url")}`,
  nowSeconds: () => Math.floor(Date.now() / 1000),
};
