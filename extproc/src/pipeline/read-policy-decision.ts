import { fail, ok, type Result } from "./gateway-errors.ts";
import { PolicyDecision } from "./policy-decision.ts";

/**
 * Reads what OPA's Wasm evaluation returned (`[{result: <decision>}]`). Anything but exactly one
 * well-formed decision is a policy error, and a policy error denies: a broken policy never opens
 * the gateway.
 */
export function readPolicyDecision(evaluation: unknown): Result<PolicyDecision> {
  if (!Array.isArray(evaluation) || evaluation.length !== 1) {
    return fail(
      "policy_error",
      "the policy produced no decision (gateway/decision is undefined for this input)",
    );
  }
  const first: unknown = evaluation[0];
  const result = typeof first === "object" && first !== null && "result" in first ? first.result : undefined;
  const parsed = PolicyDecision.safeParse(result);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return fail(
      "policy_error",
      `the policy decision is malformed at '${issue?.path.join(".")}': ${issue?.message}`,
    );
  }
  if (parsed.data.allow && parsed.data.route === null && parsed.data.models === null) {
    return fail("policy_error", "the policy allowed the request but chose no route");
  }
  return ok(parsed.data);
}
