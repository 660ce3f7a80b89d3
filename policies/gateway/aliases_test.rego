package gateway_test

import data.gateway

haiku := {"model": "claude-haiku-4-5", "priority": 0, "weight": 1}

flash := {"model": "gemini-2.5-flash", "priority": 1, "weight": 1}

alias_with(targets) := object.union(data.gateway.models.smart, {"targets": targets})

test_an_alias_routes_to_its_clusters_with_the_model_each_provider_receives if {
	d := gateway.decision with input as chat(alice, "smart")
	d.allow == true
	d.route == {
		"provider": "alias-smart",
		"model": "smart",
		"targets": {"anthropic": "claude-haiku-4-5", "gemini": "gemini-2.5-flash"},
	}
}

test_a_weighted_alias_routes_to_its_own_clusters if {
	d := gateway.decision with input as chat(bob, "balanced")
	d.route.provider == "alias-balanced"
	d.route.targets == {"anthropic": "claude-haiku-4-5", "gemini": "gemini-2.5-flash"}
}

test_targets_are_taken_by_priority_not_by_listing_order if {
	d := gateway.decision with input as chat(alice, "smart")
		with data.gateway.models.smart.targets as [flash, object.union(haiku, {"priority": 0})]
		with data.gateway.models["gemini-2.5-flash"].approved as false
	d.route == {"provider": "anthropic", "model": "claude-haiku-4-5"}
}

test_an_unapproved_target_leaves_the_first_usable_target_alone if {
	d := gateway.decision with input as chat(alice, "smart")
		with data.gateway.models["claude-haiku-4-5"].approved as false
	d.allow == true
	d.route == {"provider": "gemini", "model": "gemini-2.5-flash"}
}

test_a_target_the_team_may_not_use_is_skipped if {
	d := gateway.decision with input as chat(bob, "smart")
		with data.gateway.models["gemini-2.5-flash"].teams as ["research"]
	d.route == {"provider": "anthropic", "model": "claude-haiku-4-5"}
	d2 := gateway.decision with input as chat(alice, "smart")
		with data.gateway.models["gemini-2.5-flash"].teams as ["research"]
	d2.route.provider == "alias-smart"
}

test_a_target_granted_by_role_counts if {
	d := gateway.decision with input as chat(admin, "smart")
		with data.gateway.models["gemini-2.5-flash"].teams as []
		with data.gateway.models["gemini-2.5-flash"].roles as ["admin"]
	d.route.provider == "alias-smart"
}

test_a_target_serving_another_api_is_skipped if {
	d := gateway.decision with input as chat(alice, "smart")
		with data.gateway.models.smart.targets as [haiku, {"model": "text-embedding-3-small", "priority": 1, "weight": 1}]
	d.route == {"provider": "anthropic", "model": "claude-haiku-4-5"}
}

test_an_alias_with_no_usable_target_is_refused_naming_the_alias if {
	d := gateway.decision with input as chat(alice, "smart")
		with data.gateway.models["claude-haiku-4-5"].approved as false
		with data.gateway.models["gemini-2.5-flash"].teams as ["platform"]
	d.allow == false
	d.status == 403
	d.reasons == [{
		"code": "alias_no_approved_target",
		"message": "model alias 'smart' has no target model that is approved and allowed for team 'research'",
	}]
}

test_an_alias_never_launders_an_unapproved_model if {
	d := gateway.decision with input as chat(admin, "smart")
		with data.gateway.models.smart.targets as [{"model": "o1-preview", "priority": 0, "weight": 1}]
	deny_codes_of(d) == ["alias_no_approved_target"]
}

test_an_alias_naming_an_unknown_model_is_a_catalogue_error if {
	d := gateway.decision with input as chat(alice, "smart")
		with data.gateway.models.smart.targets as [{"model": "gpt-5-ultra", "priority": 0, "weight": 1}]
	deny_codes_of(d) == ["model_catalogue_invalid"]
}

test_malformed_targets_are_a_catalogue_error if {
	broken := [
		{"anthropic": "claude-haiku-4-5"},
		[],
		[haiku, object.union(haiku, {"priority": 1})],
		[haiku, {"model": "smart", "priority": 1, "weight": 1}],
		[object.remove(haiku, ["weight"])],
		[object.union(haiku, {"weight": 0})],
		[object.union(haiku, {"priority": "first"})],
		[{"model": "gpt-4o-mini", "priority": 0, "weight": 1}, {"model": "gpt-4o", "priority": 1, "weight": 1}],
	]
	every targets in broken {
		d := gateway.decision with input as chat(admin, "smart") with data.gateway.models.smart as alias_with(targets)
		d.status == 500
		deny_codes_of(d) == ["model_catalogue_invalid"]
	}
}

test_the_alias_itself_must_still_be_approved_and_allowed if {
	d := gateway.decision with input as chat(alice, "smart") with data.gateway.models.smart.approved as false
	deny_codes_of(d) == ["model_not_approved"]
	d2 := gateway.decision with input as chat(alice, "smart") with data.gateway.models.smart.teams as ["platform"]
	deny_codes_of(d2) == ["model_not_allowed_for_team"]
}

listing_for(principal) := [m.id | some m in d.models] if {
	d := gateway.decision with input as object.union(input_for("openai.models", principal, ""), {"llm": null})
}

test_the_listing_shows_an_alias_to_callers_who_may_use_a_target if {
	"smart" in listing_for(bob)
	"balanced" in listing_for(bob)
}

test_the_listing_hides_an_alias_whose_targets_the_caller_may_not_use if {
	ids := listing_for(bob) with data.gateway.models["claude-haiku-4-5"].teams as ["research"]
		with data.gateway.models["gemini-2.5-flash"].approved as false
	not "smart" in ids
	"gpt-4o-mini" in ids
}

test_an_alias_not_named_alias_dash_is_a_catalogue_error if {
	d := gateway.decision with input as chat(alice, "smart") with data.gateway.models.smart.provider as "anthropic"
	deny_codes_of(d) == ["model_catalogue_invalid"]
}
