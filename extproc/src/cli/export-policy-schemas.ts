import { writeFileSync } from "node:fs";
import { policyDecisionJsonSchema, policyInputJsonSchema } from "./input-schema.ts";

/** Writes policies/input.schema.json and policies/schemas/decision.schema.json (run after changing the contract). */
writeFileSync("policies/input.schema.json", policyInputJsonSchema());
writeFileSync("policies/schemas/decision.schema.json", policyDecisionJsonSchema());
process.stdout.write("wrote policies/input.schema.json and policies/schemas/decision.schema.json\n");
