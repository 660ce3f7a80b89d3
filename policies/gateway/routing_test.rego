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

# --- data residency ---

erin := object.union(alice, {"key_id": "demo-erin", "user": "erin@example.eu", "region": "eu"})

test_an_eu_key_is_rerouted_to_the_eu_deployment_of_its_model if {
	d := gateway.decision with input as chat(erin, "gpt-4o-mini")
	d.allow == true
	d.route == {"provider": "azure", "model": "gpt-4o"}
}

test_an_eu_key_asking_for_an_eu_model_goes_straight_there if {
	d := gateway.decision with input as chat(erin, "gpt-4o-azure")
	d.route == {"provider": "azure", "model": "gpt-4o"}
}

test_an_eu_key_is_refused_a_model_served_only_outside_the_region if {
	d := gateway.decision with input as chat(erin, "claude-haiku-4-5")
	d.allow == false
	d.status == 403
	deny_codes_of(d) == ["data_residency"]
	d.reasons[0].message == "keys of region 'eu' may only reach providers in eu; model 'claude-haiku-4-5' is served from us"
}

test_keys_without_a_region_are_not_restricted if {
	d := gateway.decision with input as chat(alice, "claude-haiku-4-5")
	d.route == {"provider": "anthropic", "model": "claude-haiku-4-5"}
}

test_every_provider_of_a_failover_alias_must_be_in_the_region if {
	d := gateway.decision with input as chat(erin, "smart")
	deny_codes_of(d) == ["data_residency"]
	endswith(d.reasons[0].message, "is served from us")
}

test_a_residency_reroute_never_reaches_an_unapproved_model if {
	d := gateway.decision with input as chat(erin, "gpt-4o-mini")
		with data.gateway.routing.residency.eu.reroute as {"gpt-4o-mini": "o1-preview"}
	deny_codes_of(d) == ["data_residency"]
}

test_a_provider_without_a_region_is_outside_every_region if {
	d := gateway.decision with input as chat(erin, "gpt-4o-azure")
		with data.gateway.providers.azure as {"hosting": "external", "api": "azure-openai", "api_version": "2024-10-21"}
	deny_codes_of(d) == ["data_residency"]
	endswith(d.reasons[0].message, "is served from an unknown region")
}

test_personal_data_sent_to_an_eu_self_hosted_model_meets_residency if {
	d := gateway.decision with input as object.union(chat_with_types(["EMAIL"]), {"principal": erin})
		with data.gateway.routing.pii_self_hosted as self_hosted_rule
	d.allow == true
	d.route == {"provider": "local", "model": "llama-3.3-70b-instruct"}
}

# --- schedules ---

# 2026-01-01T00:00:00Z, a Thursday.
new_year_ms := 1767225600000

chat_at(principal, model, day, hour) := object.union(chat(principal, model), {"request": {"time_ms": ((new_year_ms + (day * 86400000)) + (hour * 3600000)) + 1234}})

night := {"models": ["gpt-4o"], "teams": ["*"], "hours_utc": [22, 6], "use_model": "gpt-4o-mini"}

test_a_schedule_reroutes_inside_its_hours_and_wraps_at_midnight if {
	every hour in [22, 23, 0, 5] {
		d := gateway.decision with input as chat_at(alice, "gpt-4o", 0, hour)
			with data.gateway.routing.schedules as [night]
		d.route == {"provider": "demo", "model": "gpt-4o-mini"}
	}
}

test_a_schedule_leaves_other_hours_alone if {
	every hour in [6, 12, 21] {
		d := gateway.decision with input as chat_at(alice, "gpt-4o", 0, hour)
			with data.gateway.routing.schedules as [night]
		d.route == {"provider": "demo", "model": "gpt-4o"}
	}
}

test_a_schedule_applies_on_its_weekdays_only if {
	weekdays := object.union(night, {"hours_utc": [0, 24], "weekdays": [4]})

	# Day 0 is a Thursday (4), day 2 a Saturday (6).
	thursday := gateway.decision with input as chat_at(alice, "gpt-4o", 0, 12)
		with data.gateway.routing.schedules as [weekdays]
	thursday.route.model == "gpt-4o-mini"
	saturday := gateway.decision with input as chat_at(alice, "gpt-4o", 2, 12)
		with data.gateway.routing.schedules as [weekdays]
	saturday.route.model == "gpt-4o"
}

test_a_schedule_applies_to_its_teams_only if {
	for_marketing := object.union(night, {"teams": ["marketing"]})
	d := gateway.decision with input as chat_at(alice, "gpt-4o", 0, 23)
		with data.gateway.routing.schedules as [for_marketing]
	d.route.model == "gpt-4o"
}

test_the_first_schedule_that_applies_wins if {
	embeddings := object.union(night, {"use_model": "gpt-4o-azure"})
	d := gateway.decision with input as chat_at(alice, "gpt-4o", 0, 23)
		with data.gateway.routing.schedules as [object.union(night, {"teams": ["nobody"]}), embeddings, night]
	d.route == {"provider": "azure", "model": "gpt-4o"}
}

test_a_schedule_never_reaches_a_model_the_caller_may_not_use if {
	d := gateway.decision with input as chat_at(alice, "gpt-4o", 0, 23)
		with data.gateway.routing.schedules as [object.union(night, {"use_model": "o1-preview"})]
	d.route == {"provider": "demo", "model": "gpt-4o"}
}

test_an_eu_keys_listing_shows_only_what_it_can_reach if {
	d := gateway.decision with input as object.union(input_for("openai.models", erin, ""), {"llm": null})
	[m.id | some m in d.models] == ["gpt-4o", "gpt-4o-azure", "gpt-4o-mini"]
}
