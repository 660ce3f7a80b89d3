package gateway_test

import data.gateway

decision_keys := {"allow", "status", "reasons", "route", "headers", "audit", "pii", "models"}

pii_action_names := {"allow", "redact", "hash", "block"}

# Mirrors the processor's strict decision contract (extproc/src/pipeline/policy-decision.ts).
well_formed(d) if {
	is_boolean(d.allow)
	every k, _ in d {
		k in decision_keys
	}
	is_array(d.reasons)
	count(d.reasons) <= 32
	every r in d.reasons {
		object.keys(r) == {"code", "message"}
		regex.match(`^[a-z][a-z0-9_]{0,63}$`, r.code)
		is_string(r.message)
		count(r.message) <= 1000
	}
	is_object(d.headers)
	object.keys(d.audit) == {"tags", "store_prompt"}
	count(d.audit.tags) <= 16
	every t in d.audit.tags {
		is_string(t)
		count(t) <= 64
	}
	is_boolean(d.audit.store_prompt)
	object.keys(d.pii) == {"actions", "default_action", "restore"}
	is_object(d.pii.actions)
	every type, action in d.pii.actions {
		regex.match(`^[A-Z][A-Z0-9_]{0,63}$`, type)
		action in pii_action_names
	}
	is_boolean(d.pii.restore)
	outcome_well_formed(d)
}

outcome_well_formed(d) if {
	d.allow == true
	not "status" in object.keys(d)
	d.reasons == []
	d.route == null
	every m in d.models {
		object.keys(m) == {"id", "owned_by"}
	}
}

outcome_well_formed(d) if {
	d.allow == true
	not "status" in object.keys(d)
	d.reasons == []
	d.models == null
	{"provider", "model"} - object.keys(d.route) == set()
	object.keys(d.route) - {"provider", "model", "targets"} == set()
	regex.match(`^[a-z][a-z0-9_-]{0,62}$`, d.route.provider)
	count(d.route.model) > 0
}

outcome_well_formed(d) if {
	d.allow == false
	is_number(d.status)
	d.status >= 400
	d.status <= 599
	count(d.reasons) > 0
	d.route == null
}

all_apis := ["openai.chat_completions", "openai.completions", "openai.embeddings", "openai.models", "unknown"]

all_models := array.concat(
	[m | some m, _ in data.gateway.models],
	["nope", "GPT-4o-mini", " gpt-4o-mini", ""],
)

test_every_demo_combination_yields_one_well_formed_decision if {
	every api in all_apis {
		every p in [alice, bob, admin] {
			every m in all_models {
				d := gateway.decision with input as input_for(api, p, m)
				well_formed(d)
			}
		}
	}
}

test_allowed_decision_is_exactly_the_documented_shape if {
	d := gateway.decision with input as chat(alice, "gpt-4o-mini")
	d == {
		"allow": true,
		"reasons": [],
		"route": {"provider": "demo", "model": "gpt-4o-mini"},
		"headers": {},
		"audit": {"tags": ["team:research"], "store_prompt": true},
		"pii": {"actions": data.gateway.pii.actions.external, "default_action": "redact", "restore": true},
		"models": null,
	}
}

test_denied_decision_is_exactly_the_documented_shape if {
	d := gateway.decision with input as chat(bob, "gpt-4o")
	d == {
		"allow": false,
		"status": 403,
		"reasons": [{"code": "model_not_allowed_for_team", "message": "team 'marketing' is not allowed to use model 'gpt-4o'"}],
		"route": null,
		"headers": {},
		"audit": {"tags": ["team:marketing"], "store_prompt": true},
		"pii": {"actions": data.gateway.pii.actions.external, "default_action": "redact", "restore": true},
		"models": null,
	}
}

test_all_applicable_reasons_are_listed_in_priority_order if {
	entry := object.union(data.gateway.models["o1-preview"], {"teams": ["research"]})
	req := input_for("openai.embeddings", bob, "o1-preview")
	d := gateway.decision with input as req with data.gateway.models as {"o1-preview": entry}
	deny_codes_of(d) == ["model_not_approved", "model_api_mismatch", "model_not_allowed_for_team"]
	d.status == 403
}

test_first_reason_sets_the_status if {
	d := gateway.decision with input as input_for("openai.embeddings", bob, "gpt-4o")
	deny_codes_of(d) == ["model_api_mismatch", "model_not_allowed_for_team"]
	d.status == 400
}

test_reason_order_does_not_depend_on_failure_names if {
	failures := {
		"z_custom": {"status": 451, "message": "z"},
		"model_unknown": {"status": 403, "message": "m"},
		"a_custom": {"status": 409, "message": "a"},
		"unknown_api": {"status": 404, "message": "u"},
	}
	d := gateway.decision with input as chat(alice, "gpt-4o-mini") with gateway.failures as failures
	deny_codes_of(d) == ["unknown_api", "model_unknown", "a_custom", "z_custom"]
	d.status == 404
}

test_a_failure_outside_the_priority_list_still_denies if {
	failures := {"custom_rule": {"status": 451, "message": "blocked by a custom rule"}}
	d := gateway.decision with input as chat(alice, "gpt-4o-mini") with gateway.failures as failures
	d.allow == false
	d.status == 451
	d.reasons == [{"code": "custom_rule", "message": "blocked by a custom rule"}]
}

test_a_failure_with_an_invalid_status_denies_with_403 if {
	every status in [200, 600, "451", null] {
		failures := {"custom_rule": {"status": status, "message": "x"}}
		d := gateway.decision with input as chat(alice, "gpt-4o-mini") with gateway.failures as failures
		d.allow == false
		d.status == 403
	}
}

test_no_failures_but_no_route_still_denies if {
	d := gateway.decision with input as chat(alice, "gpt-4o-mini") with gateway.failures as {} with gateway.route as null
	d.allow == false
}

test_input_without_a_request_is_denied_with_a_reason if {
	every req in [{}, {"request": {}}, "text", null] {
		d := gateway.decision with input as req
		d.allow == false
		d.status == 403
		d.reasons == [{"code": "policy_denied", "message": "the request was denied by the gateway's policy"}]
		well_formed(d)
	}
}

test_partial_input_is_denied_with_a_well_formed_decision if {
	every req in [
		{"request": {"api": "openai.chat_completions"}},
		{"request": {"api": "openai.chat_completions"}, "llm": {"model": "gpt-4o-mini"}},
		object.remove(chat(alice, "gpt-4o-mini"), ["principal"]),
		object.remove(chat(alice, "gpt-4o-mini"), ["pii"]),
		object.union(chat(alice, "gpt-4o-mini"), {"pii": {"findings": null, "non_text_parts": 0}}),
	] {
		d := gateway.decision with input as req
		d.allow == false
		well_formed(d)
	}
}

test_denied_decisions_are_tagged_with_the_team if {
	d := gateway.decision with input as input_for("unknown", admin, "gpt-4o-mini")
	d.audit.tags == ["team:platform"]
}

test_audit_tags_are_clipped_to_64_characters if {
	long_team := concat("", [x | some _ in numbers.range(1, 100); x := "t"])
	d := gateway.decision with input as chat(object.union(alice, {"team": long_team}), "gpt-4o-mini")
	count(d.audit.tags[0]) == 64
	startswith(d.audit.tags[0], "team:ttt")
}
