import { createParser } from "eventsource-parser";

/** What the client reads: per stream, the concatenated text; plus every event's data. */
export function readAsClient(body: Buffer): {
  texts: Map<string, string>;
  data: string[];
  comments: string[];
} {
  const texts = new Map<string, string>();
  const data: string[] = [];
  const comments: string[] = [];
  const add = (key: string, text: unknown) => {
    if (typeof text === "string") texts.set(key, (texts.get(key) ?? "") + text);
  };
  const parser = createParser({
    onEvent: (event) => {
      data.push(event.data);
      if (event.data === "[DONE]") return;
      const parsed = JSON.parse(event.data) as { choices?: Record<string, unknown>[] };
      for (const choice of parsed.choices ?? []) {
        const delta = (choice.delta ?? {}) as {
          content?: unknown;
          tool_calls?: { index: number; function?: { arguments?: unknown } }[];
        };
        add(`${choice.index}/content`, delta.content);
        add(`${choice.index}/text`, choice.text);
        for (const call of delta.tool_calls ?? [])
          add(`${choice.index}/tool${call.index}`, call.function?.arguments);
      }
    },
    onComment: (comment) => comments.push(comment),
  });
  parser.feed(new TextDecoder("utf-8", { fatal: true }).decode(body));
  return { texts, data, comments };
}
