import { hashApiKey } from "../pipeline/key-directory.ts";

/**
 * Prints the SHA-256 under which an API key is stored in the policy data (`gateway.keys`).
 * The key is read from the argument or, to keep it out of shell history, from standard input.
 */
async function readKey(): Promise<string> {
  const fromArgs = process.argv[2];
  if (fromArgs) return fromArgs;
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8").trim();
}

const key = await readKey();
if (!key) {
  process.stderr.write("usage: npm run hash-key -- <api key>   (or pipe the key on standard input)\n");
  process.exit(2);
}
process.stdout.write(`${hashApiKey(key)}\n`);
