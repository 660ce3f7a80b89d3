import { z } from "zod";

/**
 * The structured answer of the policy entrypoint `gateway/decision`. Parsed strictly: an unknown
 * field, a wrong type or an allow without a route is a malformed decision, and a malformed decision
 * denies. Nothing here ever defaults to allow.
 */
const ReasonCode = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, "reason codes are snake_case");

export const DecisionReason = z
  .object({
    code: ReasonCode.describe("Stable snake_case code; lands in the audit row's reason_codes."),
    message: z.string().max(1000).describe("Human-readable explanation returned to the caller on deny."),
  })
  .strict();
export type DecisionReason = z.infer<typeof DecisionReason>;

export const DecisionRoute = z
  .object({
    provider: z
      .string()
      .regex(/^[a-z][a-z0-9_-]{0,62}$/)
      .describe("Provider name; Envoy routes on it (cluster provider_<name>)."),
    model: z.string().min(1).max(256).describe("The model name the provider will receive."),
    targets: z
      .record(z.string().regex(/^[a-z][a-z0-9_-]{0,62}$/), z.string().min(1).max(256))
      .optional()
      .describe(
        "For a failover alias (provider alias-<name>, routed by Envoy to the alias's aggregate clusters): the model each of its providers receives; the attempt to provider P sends targets[P]. Only targets the caller may use: every attempt of the route must be allowed.",
      ),
  })
  .strict();
export type DecisionRoute = z.infer<typeof DecisionRoute>;

const UpstreamHeaderName = z
  .string()
  .regex(/^x-[a-z0-9-]{1,100}$/, "policy may only add x-* headers")
  .refine((name) => !name.startsWith("x-envoy-") && !name.startsWith("x-gateway-"), {
    message: "x-envoy-* and x-gateway-* headers are reserved",
  });

export const PiiAction = z
  .enum(["allow", "redact", "hash", "block"])
  .describe(
    "allow: pass unchanged; redact: numbered placeholder such as [EMAIL_1]; hash: keyed pseudonym stable across requests; block: refuse the request (in model output: redact).",
  );

export const DecisionPii = z
  .object({
    actions: z
      .record(z.string().regex(/^[A-Z][A-Z0-9_]{0,63}$/), PiiAction)
      .default({})
      .describe("Action per entity type; a detected type without one gets `default_action`."),
    default_action: PiiAction.default("redact").describe(
      "Action for a detected type that `actions` does not name (for example one first seen in the answer).",
    ),
    restore: z
      .boolean()
      .default(false)
      .describe("Put original values back where the model's answer repeats a placeholder of this request."),
  })
  .strict();
export type DecisionPii = z.infer<typeof DecisionPii>;

export const PolicyDecision = z
  .object({
    allow: z.boolean(),
    status: z
      .number()
      .int()
      .min(400)
      .max(599)
      .optional()
      .describe("HTTP status to answer with when denying (default 403)."),
    reasons: z.array(DecisionReason).max(32).default([]),
    route: DecisionRoute.nullable().default(null),
    headers: z
      .record(UpstreamHeaderName, z.string().max(1024))
      .default({})
      .describe("Headers to add to the upstream request when allowed."),
    audit: z
      .object({
        tags: z.array(z.string().max(64)).max(16).default([]),
        store_prompt: z
          .boolean()
          .default(false)
          .describe("Store the request body as forwarded (after redaction) in the audit row's `prompt`."),
      })
      .strict()
      .default({ tags: [], store_prompt: false })
      .describe("What the audit row keeps besides the standard columns."),
    pii: DecisionPii.default({ actions: {}, default_action: "redact", restore: false }).describe(
      "What happens to detected PII and secrets.",
    ),
    models: z
      .array(z.object({ id: z.string().min(1).max(256), owned_by: z.string().max(256) }).strict())
      .max(10_000)
      .nullable()
      .default(null)
      .describe("For GET /v1/models: the models this caller may use; the gateway answers with this list."),
  })
  .strict();
export type PolicyDecision = z.infer<typeof PolicyDecision>;
