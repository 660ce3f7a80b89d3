package gateway_test

import data.gateway

self_hosted_rule := {"types": ["EMAIL", "PHONE"], "provider": "local", "model": "llama-3.3-70b-instruct"}

chat_with_types(types) := object.union(chat(alice, "gpt-4o-mini"), {"pii": {
	"findings": [{"type": t, "count": 1, "locations": []} | some t in types],
	"non_text_parts": 0,
}})

test_personal_data_goes_to_the_self_hosted_model if {
	d := gateway.decision with input as chat_with_types(["EMAIL"])
		with data.gateway.routing.pii_self_hosted as self_hosted_rule
	d.allow == true
	d.route == {"provider": "local", "model": "llama-3.3-70b-instruct"}
	d.pii.actions.EMAIL == "allow" # self-hosted actions apply once rerouted
}

test_other_types_keep_the_catalogue_route if {
	d := gateway.decision with input as chat_with_types(["CREDIT_CARD"])
		with data.gateway.routing.pii_self_hosted as self_hosted_rule
	d.route == {"provider": "demo", "model": "gpt-4o-mini"}
}

test_no_rule_no_rerouting if {
	d := gateway.decision with input as chat_with_types(["EMAIL"])
		with data.gateway.routing as {}
	d.route == {"provider": "demo", "model": "gpt-4o-mini"}
}

test_a_rule_naming_an_external_provider_is_ignored if {
	rule := object.union(self_hosted_rule, {"provider": "openai"})
	d := gateway.decision with input as chat_with_types(["EMAIL"])
		with data.gateway.routing.pii_self_hosted as rule
	d.route == {"provider": "demo", "model": "gpt-4o-mini"}
}

test_rerouting_never_bypasses_the_catalogue if {
	d := gateway.decision with input as object.union(chat_with_types(["EMAIL"]), {"llm": {
		"model": "o1-preview", "stream": false, "max_tokens": null, "message_count": 1, "tool_count": 0,
	}})
		with data.gateway.routing.pii_self_hosted as self_hosted_rule
	d.allow == false
}

test_secrets_are_still_blocked_on_the_self_hosted_route if {
	d := gateway.decision with input as chat_with_types(["EMAIL", "AWS_ACCESS_KEY"])
		with data.gateway.routing.pii_self_hosted as self_hosted_rule
	d.allow == false
	"pii_blocked" in [r.code | some r in d.reasons]
}
