import { loadPolicy } from "@open-policy-agent/opa-wasm";
import { buildKeyDirectory } from "../../pipeline/key-directory.ts";
import type { PolicySnapshot } from "../../pipeline/ports.ts";
import { buildProviderDirectory } from "../../pipeline/provider-directory.ts";
import { bundlePiiDetectors } from "./bundle-pii-detectors.ts";
import type { PolicyBundle } from "./policy-bundle.ts";

export const DECISION_ENTRYPOINT = "gateway/decision";

/** Instantiates a bundle's Wasm with its data; throws if the bundle cannot serve the gateway. */
export async function loadOpaWasmPolicy(bundle: PolicyBundle): Promise<PolicySnapshot> {
  const policy = await loadPolicy(bundle.wasm);
  if (!(DECISION_ENTRYPOINT in (policy.entrypoints as Record<string, number>))) {
    throw new Error(`bundle has no ${DECISION_ENTRYPOINT} entrypoint (build with -e ${DECISION_ENTRYPOINT})`);
  }
  policy.setData(bundle.data);
  const gatewayData = bundle.data.gateway;
  const keys = buildKeyDirectory(member(gatewayData, "keys"));
  if (!keys.ok) throw new Error(keys.error.message);
  return {
    revision: bundle.revision,
    keys: keys.value,
    detectors: bundlePiiDetectors(member(member(gatewayData, "pii"), "custom")),
    providers: buildProviderDirectory(member(gatewayData, "providers")),
    evaluate: (input) => policy.evaluate(input, DECISION_ENTRYPOINT),
  };
}

/** `value[name]` when `value` is an object; bundle data is whatever the security team wrote. */
function member(value: unknown, name: string): unknown {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>)[name] : undefined;
}
