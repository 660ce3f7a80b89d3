import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { Readable } from "node:stream";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { type LoadedPolicy, loadPolicy } from "@open-policy-agent/opa-wasm";
import { extract } from "tar-stream";
import { z } from "zod";
import { PolicyDecision } from "../../extproc/src/pipeline/policy-decision.ts";
import {
  type ApiKind,
  type PiiSummary,
  PolicyInput,
  Principal,
} from "../../extproc/src/pipeline/policy-input.ts";

// Proves that the Wasm bundle the gateway loads decides like `opa test` says the Rego does: the
// Wasm target implements fewer builtins than the OPA CLI, and a gap would only show up here.

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const bundlePath = join(repoRoot, "policies", "build", "bundle.tar.gz");

type BundleFiles = ReadonlyMap<string, Buffer>;

async function readBundle(path: string): Promise<BundleFiles> {
  const gzipped = await readFile(path).catch((error: unknown) => {
    const detail = error instanceof Error ? error.message : String(error);
    throw new Error(`cannot read ${path} (${detail}); build it first with: bash policies/build.sh`);
  });
  const files = new Map<string, Buffer>();
  const entries = extract();
  // Gunzipping up front makes a corrupt bundle throw here instead of stalling the tar stream.
  Readable.from([gunzipSync(gzipped)]).pipe(entries);
  for await (const entry of entries) {
    const chunks: Buffer[] = [];
    for await (const chunk of entry) chunks.push(chunk);
    if (entry.header.type === "file") files.set(entry.header.name.replace(/^\/+/, ""), Buffer.concat(chunks));
  }
  return files;
}

function bundleFile(files: BundleFiles, name: string): Buffer {
  const content = files.get(name);
  assert.ok(content, `the bundle has no ${name}; it holds: ${[...files.keys()].join(", ")}`);
  return content;
}

const PiiActions = z.record(z.string(), z.string());

// Strict, so that data added to the bundle is not silently dropped before it reaches the policy.
const BundleData = z.object({
  gateway: z
    .object({
      keys: z.record(z.string(), z.unknown()),
      models: z.record(z.string(), z.unknown()),
      providers: z.record(z.string(), z.object({ hosting: z.string() }).loose()),
      pii: z
        .object({
          types: z.array(z.string()),
          default_action: z.string(),
          restore: z.boolean(),
          actions: z.object({ external: PiiActions, self_hosted: PiiActions }).strict(),
          team_overrides: z.record(z.string(), z.record(z.string(), PiiActions)),
          custom: z.unknown(),
        })
        .strict(),
      audit: z.object({ store_prompt: z.boolean() }).strict(),
      routing: z
        .object({ residency: z.record(z.string(), z.unknown()), schedules: z.array(z.unknown()) })
        .strict(),
    })
    .strict(),
});
type BundleData = z.infer<typeof BundleData>;

const ResultSet = z.array(z.object({ result: z.unknown() })).length(1);

function decide(policy: LoadedPolicy, input: PolicyInput): PolicyDecision {
  const checkedInput = PolicyInput.parse(input);
  const [first] = ResultSet.parse(policy.evaluate(checkedInput));
  assert.ok(first);
  // The raw result is compared too: the zod parse fills defaults, which could hide a missing key.
  const decision = PolicyDecision.parse(first.result);
  assert.deepEqual(first.result, decision);
  return decision;
}

const alice: Principal = {
  key_id: "demo-alice",
  user: "alice@example.com",
  team: "research",
  roles: ["developer"],
  region: null,
};
const bob: Principal = {
  key_id: "demo-bob",
  user: "bob@example.com",
  team: "marketing",
  roles: ["analyst"],
  region: null,
};
const admin: Principal = {
  key_id: "demo-admin",
  user: "admin@example.com",
  team: "platform",
  roles: ["admin"],
  region: null,
};

const routes: Record<ApiKind, { method: string; path: string }> = {
  "openai.chat_completions": { method: "POST", path: "/v1/chat/completions" },
  "openai.completions": { method: "POST", path: "/v1/completions" },
  "openai.embeddings": { method: "POST", path: "/v1/embeddings" },
  "openai.models": { method: "GET", path: "/v1/models" },
  "anthropic.models": { method: "GET", path: "/v1/models" },
  "gemini.models": { method: "GET", path: "/v1beta/models" },
  "anthropic.messages": { method: "POST", path: "/v1/messages" },
  "gemini.generate_content": { method: "POST", path: "/v1beta/models/gemini-2.5-flash:generateContent" },
  "gemini.stream_generate_content": {
    method: "POST",
    path: "/v1beta/models/gemini-2.5-flash:streamGenerateContent",
  },
  unknown: { method: "POST", path: "/v1/responses" },
};

const noPii: PiiSummary = { findings: [], non_text_parts: 0 };

/** The summary the processor sends for a user message holding the given types: sorted, no values. */
function piiFound(...types: string[]): PiiSummary {
  return {
    findings: [...types].sort().map((type) => ({
      type,
      count: 1,
      locations: [{ message_index: 0, role: "user", field: "content" }],
    })),
    non_text_parts: 0,
  };
}

function inputFor(api: ApiKind, principal: Principal, model: string | null, pii = noPii): PolicyInput {
  return {
    version: "gateway.input/v1",
    request: {
      id: "req-wasm-1",
      ...routes[api],
      query: "",
      api,
      content_type: "application/json",
      body_bytes: 128,
      time_ms: 1767225600000,
    },
    principal,
    llm: model === null ? null : { model, stream: false, max_tokens: null, message_count: 1, tool_count: 0 },
    pii,
  };
}

type Actions = PolicyDecision["pii"]["actions"];

// The shipped defaults for an external provider, spelled out like in policies/gateway/pii_test.rego.
const externalActions: Actions = {
  EMAIL: "redact",
  PHONE: "redact",
  CREDIT_CARD: "redact",
  US_SSN: "redact",
  IBAN: "redact",
  IP_ADDRESS: "redact",
  AWS_ACCESS_KEY: "block",
  GITHUB_TOKEN: "block",
  OPENAI_API_KEY: "block",
  ANTHROPIC_API_KEY: "block",
  JWT: "block",
  PRIVATE_KEY: "block",
  EMPLOYEE_ID: "hash",
  PROJECT_CODENAME: "redact",
};

function allowed(provider: string, model: string, team: string, actions = externalActions): PolicyDecision {
  return {
    allow: true,
    reasons: [],
    route: { provider, model },
    headers: {},
    audit: { tags: [`team:${team}`], store_prompt: true },
    pii: { actions, default_action: "redact", restore: true },
    models: null,
  };
}

function denied(status: number, team: string, ...reasons: [code: string, message: string][]): PolicyDecision {
  return {
    allow: false,
    status,
    reasons: reasons.map(([code, message]) => ({ code, message })),
    route: null,
    headers: {},
    audit: { tags: [`team:${team}`], store_prompt: true },
    pii: { actions: externalActions, default_action: "redact", restore: true },
    models: null,
  };
}

describe("the built Wasm policy bundle", async () => {
  const files = await readBundle(bundlePath);
  const data: BundleData = BundleData.parse(JSON.parse(bundleFile(files, "data.json").toString("utf8")));
  const policy = await loadPolicy(bundleFile(files, "policy.wasm"));
  policy.setData(data);

  it("ships only the policy, its data and its manifest, without tests", () => {
    const names = [...files.keys()];
    assert.ok(names.includes(".manifest"));
    assert.deepEqual(
      names.filter((name) => name.endsWith("_test.rego")),
      [],
    );
  });

  it("names its content by a sha256 revision", () => {
    const manifest = z
      .object({ revision: z.string() })
      .parse(JSON.parse(bundleFile(files, ".manifest").toString("utf8")));
    assert.match(manifest.revision, /^sha256:[0-9a-f]{12}$/);
  });

  it("holds the demo keys under gateway.keys by their SHA-256", () => {
    const hash = (key: string) => createHash("sha256").update(key).digest("hex");
    // The data names no region for alice; the gateway's key directory fills in null.
    assert.deepEqual(Principal.parse(data.gateway.keys[hash("gwk_demo_alice_7f3c9a")]), alice);
    assert.equal(Principal.parse(data.gateway.keys[hash("gwk_demo_erin_5b8d20")]).region, "eu");
  });

  it("keeps a region's key on providers in that region: rerouted when it can be, refused when not", () => {
    const erin: Principal = { ...alice, key_id: "demo-erin", user: "erin@example.eu", region: "eu" };
    assert.deepEqual(decide(policy, inputFor("openai.chat_completions", erin, "gpt-4o-mini")).route, {
      provider: "azure",
      model: "gpt-4o",
    });
    const refused = decide(policy, inputFor("openai.chat_completions", erin, "claude-haiku-4-5"));
    assert.equal(refused.allow, false);
    assert.deepEqual(
      refused.reasons.map((reason) => reason.code),
      ["data_residency"],
    );
  });

  it("allows an approved chat model for every team and routes to its provider model", () => {
    assert.deepEqual(
      decide(policy, inputFor("openai.chat_completions", bob, "gpt-4o-mini")),
      allowed("demo", "gpt-4o-mini", "marketing"),
    );
    assert.deepEqual(
      decide(policy, inputFor("openai.chat_completions", admin, "gpt-4.1")),
      allowed("openai", "gpt-4.1", "platform"),
    );
  });

  it("allows completions and embeddings models on their own APIs", () => {
    assert.deepEqual(
      decide(policy, inputFor("openai.completions", alice, "gpt-3.5-turbo-instruct")),
      allowed("demo", "gpt-3.5-turbo-instruct", "research"),
    );
    assert.deepEqual(
      decide(policy, inputFor("openai.embeddings", alice, "text-embedding-3-small")),
      allowed("demo", "text-embedding-3-small", "research"),
    );
  });

  it("allows a role listed on the model whatever the caller's team", () => {
    const marketingAdmin: Principal = { ...bob, roles: ["admin"] };
    assert.deepEqual(
      decide(policy, inputFor("openai.chat_completions", marketingAdmin, "gpt-4o")),
      allowed("demo", "gpt-4o", "marketing"),
    );
  });

  it("denies a team the model does not list, naming team and model", () => {
    assert.deepEqual(
      decide(policy, inputFor("openai.chat_completions", bob, "gpt-4o")),
      denied(403, "marketing", [
        "model_not_allowed_for_team",
        "team 'marketing' is not allowed to use model 'gpt-4o'",
      ]),
    );
  });

  it("answers 404 for an API the gateway does not serve", () => {
    assert.deepEqual(
      decide(policy, inputFor("unknown", admin, "gpt-4o-mini")),
      denied(404, "platform", ["unknown_api", "POST /v1/responses is not an API the gateway serves"]),
    );
  });

  it("routes a failover alias to its clusters with each target's model, in the Wasm build", () => {
    const targets = { anthropic: "claude-haiku-4-5", gemini: "gemini-2.5-flash" };
    for (const alias of ["smart", "balanced"]) {
      assert.deepEqual(decide(policy, inputFor("openai.chat_completions", alice, alias)).route, {
        provider: `alias-${alias}`,
        model: alias,
        targets,
      });
    }
  });

  it("lists the models a caller may use for GET /v1/models, in the Wasm build", () => {
    const listing = decide(policy, inputFor("openai.models", bob, null));
    assert.equal(listing.allow, true);
    assert.equal(listing.route, null);
    const ids = (listing.models ?? []).map((model) => model.id);
    assert.ok(ids.includes("gpt-4o-mini") && !ids.includes("gpt-4o") && !ids.includes("o1-preview"));
    assert.deepEqual(ids, [...ids].sort());
  });

  it("treats model names differing only by case or whitespace as unknown", () => {
    for (const model of ["GPT-4o-mini", " gpt-4o-mini", "gpt-4o-mini\n"]) {
      assert.deepEqual(
        decide(policy, inputFor("openai.chat_completions", alice, model)),
        denied(403, "research", [
          "model_unknown",
          `model '${model}' is not in the gateway's model catalogue`,
        ]),
      );
    }
  });

  it("denies an unapproved model and a model used on the wrong API", () => {
    assert.deepEqual(
      decide(policy, inputFor("openai.chat_completions", admin, "o1-preview")),
      denied(403, "platform", [
        "model_not_approved",
        "model 'o1-preview' is not approved for use through the gateway",
      ]),
    );
    assert.deepEqual(
      decide(policy, inputFor("openai.chat_completions", alice, "text-embedding-3-small")),
      denied(400, "research", [
        "model_api_mismatch",
        "model 'text-embedding-3-small' cannot be used with the openai.chat_completions API",
      ]),
    );
  });

  it("routes the native fronts to providers of their own API only, in the Wasm build", () => {
    assert.deepEqual(
      decide(policy, inputFor("anthropic.messages", alice, "claude-haiku-4-5")),
      allowed("anthropic", "claude-haiku-4-5", "research"),
    );
    for (const api of ["gemini.generate_content", "gemini.stream_generate_content"] as const) {
      assert.deepEqual(
        decide(policy, inputFor(api, bob, "gemini-2.5-flash")),
        allowed("gemini", "gemini-2.5-flash", "marketing"),
      );
    }
    assert.deepEqual(
      decide(policy, inputFor("gemini.generate_content", alice, "claude-haiku-4-5")),
      denied(400, "research", [
        "model_api_mismatch",
        "model 'claude-haiku-4-5' cannot be used with the gemini.generate_content API",
      ]),
    );
  });

  it("answers 400 when a model API request names no model", () => {
    assert.deepEqual(
      decide(policy, inputFor("openai.embeddings", alice, null)),
      denied(400, "research", ["model_missing", "openai.embeddings requests must name a model"]),
    );
  });

  it("lists every reason in priority order, the first setting the status", () => {
    assert.deepEqual(
      decide(policy, inputFor("openai.embeddings", bob, "gpt-4o")),
      denied(
        400,
        "marketing",
        ["model_api_mismatch", "model 'gpt-4o' cannot be used with the openai.embeddings API"],
        ["model_not_allowed_for_team", "team 'marketing' is not allowed to use model 'gpt-4o'"],
      ),
    );
  });

  it("clips caller-controlled text so the decision stays within its limits", () => {
    const longModel = "m".repeat(5000);
    const modelDecision = decide(policy, inputFor("openai.chat_completions", alice, longModel));
    assert.equal(modelDecision.reasons[0]?.code, "model_unknown");
    assert.equal(
      modelDecision.reasons[0]?.message,
      `model '${"m".repeat(128)}...' is not in the gateway's model catalogue`,
    );

    const longTeam: Principal = { ...alice, team: "t".repeat(100) };
    const teamDecision = decide(policy, inputFor("openai.chat_completions", longTeam, "gpt-4o-mini"));
    assert.deepEqual(teamDecision.audit.tags, [`team:${"t".repeat(59)}`]);
  });

  it("ships the PII data: every type with an action per destination, and the custom detectors", () => {
    const { pii, providers } = data.gateway;
    assert.deepEqual(Object.keys(pii.actions.external).sort(), [...pii.types].sort());
    assert.deepEqual(Object.keys(pii.actions.self_hosted).sort(), [...pii.types].sort());
    assert.deepEqual(pii.custom, {
      patterns: [{ type: "EMPLOYEE_ID", pattern: "\\bEMP-\\d{6}\\b", max_length: 10 }],
      keywords: [
        { type: "PROJECT_CODENAME", words: ["Project Bluebird", "Nightjar"], case_sensitive: false },
      ],
    });
    assert.equal(providers.demo?.hosting, "external");
    assert.equal(providers.local?.hosting, "self_hosted");
  });

  it("allows an email to an external provider and tells the gateway to redact it", () => {
    const decision = decide(
      policy,
      inputFor("openai.chat_completions", alice, "gpt-4o-mini", piiFound("EMAIL")),
    );
    assert.deepEqual(decision, allowed("demo", "gpt-4o-mini", "research"));
    assert.equal(decision.pii.actions.EMAIL, "redact");
    assert.equal(decision.pii.actions.EMPLOYEE_ID, "hash");
  });

  it("blocks a secret with 403 pii_blocked naming the types, sorted, and the provider", () => {
    const input = inputFor(
      "openai.chat_completions",
      alice,
      "gpt-4o-mini",
      piiFound("PRIVATE_KEY", "EMAIL", "AWS_ACCESS_KEY"),
    );
    assert.deepEqual(
      decide(policy, input),
      denied(403, "research", [
        "pii_blocked",
        "the request contains AWS_ACCESS_KEY, PRIVATE_KEY, which may not be sent to the external provider 'demo'",
      ]),
    );
  });

  it("lists pii_blocked after the model reasons", () => {
    const input = inputFor("openai.chat_completions", bob, "gpt-4o", piiFound("JWT"));
    assert.deepEqual(
      decide(policy, input),
      denied(
        403,
        "marketing",
        ["model_not_allowed_for_team", "team 'marketing' is not allowed to use model 'gpt-4o'"],
        ["pii_blocked", "the request contains JWT, which may not be sent to the external provider 'demo'"],
      ),
    );
  });

  it("gives a type found but not configured the default action", () => {
    const decision = decide(
      policy,
      inputFor("openai.chat_completions", alice, "gpt-4o-mini", piiFound("PASSPORT")),
    );
    assert.deepEqual(
      decision,
      allowed("demo", "gpt-4o-mini", "research", { ...externalActions, PASSPORT: "redact" }),
    );
  });

  it("applies the self-hosted actions and the platform team's override when the provider is self-hosted", () => {
    const providers = { ...data.gateway.providers, demo: { hosting: "self_hosted" } };
    policy.setData({ gateway: { ...data.gateway, providers } });
    try {
      const research = decide(
        policy,
        inputFor("openai.chat_completions", alice, "gpt-4o-mini", piiFound("EMAIL", "EMPLOYEE_ID")),
      );
      assert.equal(research.allow, true);
      assert.deepEqual(research.pii.actions, data.gateway.pii.actions.self_hosted);
      assert.equal(research.pii.actions.EMAIL, "allow");

      const jwt = piiFound("JWT");
      assert.equal(
        decide(policy, inputFor("openai.chat_completions", alice, "gpt-4o-mini", jwt)).allow,
        false,
      );
      const platform = decide(policy, inputFor("openai.chat_completions", admin, "gpt-4o-mini", jwt));
      assert.equal(platform.allow, true);
      assert.equal(platform.pii.actions.JWT, "allow");
    } finally {
      policy.setData(data);
    }
  });

  it("follows catalogue changes made through the bundle data alone", () => {
    const models = {
      ...data.gateway.models,
      "gpt-4o": { ...asRecord(data.gateway.models["gpt-4o"]), teams: ["*"] },
    };
    policy.setData({ gateway: { ...data.gateway, models } });
    try {
      assert.deepEqual(
        decide(policy, inputFor("openai.chat_completions", bob, "gpt-4o")),
        allowed("demo", "gpt-4o", "marketing"),
      );
    } finally {
      policy.setData(data);
    }
  });
});

function asRecord(value: unknown): Record<string, unknown> {
  return z.record(z.string(), z.unknown()).parse(value);
}
