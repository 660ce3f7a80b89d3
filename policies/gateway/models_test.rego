package gateway_test

import data.gateway

test_unknown_model_is_denied if {
	d := gateway.decision with input as chat(alice, "gpt-5-ultra")
	d.allow == false
	d.status == 403
	d.reasons == [{"code": "model_unknown", "message": "model 'gpt-5-ultra' is not in the gateway's model catalogue"}]
}

test_model_names_differing_in_case_or_whitespace_are_unknown if {
	every model in ["GPT-4o-mini", "Gpt-4o-mini", " gpt-4o-mini", "gpt-4o-mini ", "gpt-4o-mini\n", "gpt-4o-mini\t", "gpt-4o -mini", ""] {
		d := gateway.decision with input as chat(admin, model)
		d.allow == false
		deny_codes_of(d) == ["model_unknown"]
	}
}

test_unknown_model_message_clips_a_long_name if {
	long_model := concat("", [x | some _ in numbers.range(1, 5000); x := "m"])
	d := gateway.decision with input as chat(alice, long_model)
	deny_codes_of(d) == ["model_unknown"]
	count(d.reasons[0].message) <= 1000
}

test_unapproved_model_is_denied if {
	d := gateway.decision with input as chat(admin, "o1-preview")
	d.allow == false
	d.status == 403
	d.reasons == [{"code": "model_not_approved", "message": "model 'o1-preview' is not approved for use through the gateway"}]
}

test_model_without_approved_true_is_not_approved if {
	every approved in [null, "true", 1, {}] {
		entry := object.union(data.gateway.models["gpt-4o-mini"], {"approved": approved})
		d := gateway.decision with input as chat(alice, "gpt-4o-mini") with data.gateway.models as {"gpt-4o-mini": entry}
		deny_codes_of(d) == ["model_not_approved"]
	}
	entry := object.remove(data.gateway.models["gpt-4o-mini"], ["approved"])
	d := gateway.decision with input as chat(alice, "gpt-4o-mini") with data.gateway.models as {"gpt-4o-mini": entry}
	deny_codes_of(d) == ["model_not_approved"]
}

test_embedding_model_on_chat_api_is_an_api_mismatch if {
	d := gateway.decision with input as chat(alice, "text-embedding-3-small")
	d.allow == false
	d.status == 400
	d.reasons == [{
		"code": "model_api_mismatch",
		"message": "model 'text-embedding-3-small' cannot be used with the openai.chat_completions API",
	}]
}

test_chat_model_on_completions_api_is_an_api_mismatch if {
	d := gateway.decision with input as input_for("openai.completions", alice, "gpt-4o-mini")
	d.status == 400
	deny_codes_of(d) == ["model_api_mismatch"]
}

test_chat_model_on_embeddings_api_is_an_api_mismatch if {
	d := gateway.decision with input as input_for("openai.embeddings", alice, "gpt-4o-mini")
	d.status == 400
	deny_codes_of(d) == ["model_api_mismatch"]
}

test_model_without_apis_serves_no_api if {
	entry := object.remove(data.gateway.models["gpt-4o-mini"], ["apis"])
	d := gateway.decision with input as chat(alice, "gpt-4o-mini") with data.gateway.models as {"gpt-4o-mini": entry}
	deny_codes_of(d) == ["model_api_mismatch"]
}

test_team_not_listed_is_denied_naming_team_and_model if {
	d := gateway.decision with input as chat(bob, "gpt-4o")
	d.allow == false
	d.status == 403
	d.reasons == [{"code": "model_not_allowed_for_team", "message": "team 'marketing' is not allowed to use model 'gpt-4o'"}]
}

test_listed_team_is_allowed if {
	d := gateway.decision with input as chat(alice, "gpt-4o")
	d.allow == true
	d.route == {"provider": "demo", "model": "gpt-4o"}
}

test_wildcard_team_allows_every_team if {
	every p in [alice, bob, admin, object.union(bob, {"team": "anything-else"})] {
		d := gateway.decision with input as chat(p, "gpt-4o-mini")
		d.allow == true
	}
}

test_listed_role_is_allowed_whatever_the_team if {
	marketing_admin := object.union(bob, {"roles": ["analyst", "admin"]})
	d := gateway.decision with input as chat(marketing_admin, "gpt-4o")
	d.allow == true
}

test_role_not_listed_on_the_model_grants_nothing if {
	marketing_developer := object.union(bob, {"roles": ["developer"]})
	d := gateway.decision with input as chat(marketing_developer, "gpt-4o")
	deny_codes_of(d) == ["model_not_allowed_for_team"]
}

test_model_without_roles_grants_nothing_by_role if {
	d := gateway.decision with input as chat(object.union(alice, {"roles": ["admin"]}), "gpt-4.1")
	deny_codes_of(d) == ["model_not_allowed_for_team"]
}

test_model_without_teams_allows_no_team if {
	entry := object.remove(data.gateway.models["gpt-4o-mini"], ["teams"])
	d := gateway.decision with input as chat(alice, "gpt-4o-mini") with data.gateway.models as {"gpt-4o-mini": entry}
	deny_codes_of(d) == ["model_not_allowed_for_team"]
}

test_team_names_are_matched_exactly if {
	d := gateway.decision with input as chat(object.union(alice, {"team": "Research"}), "gpt-4o")
	deny_codes_of(d) == ["model_not_allowed_for_team"]
}

test_platform_model_routes_to_its_provider if {
	d := gateway.decision with input as chat(admin, "gpt-4.1")
	d.allow == true
	d.route == {"provider": "openai", "model": "gpt-4.1"}
}

test_platform_model_is_denied_to_other_teams if {
	every p in [alice, bob] {
		d := gateway.decision with input as chat(p, "gpt-4.1")
		deny_codes_of(d) == ["model_not_allowed_for_team"]
	}
}

test_route_sends_the_provider_model_name if {
	entry := object.union(data.gateway.models["gpt-4o-mini"], {"provider_model": "gpt-4o-mini-2024-07-18"})
	d := gateway.decision with input as chat(alice, "fast") with data.gateway.models as {"fast": entry}
	d.route == {"provider": "demo", "model": "gpt-4o-mini-2024-07-18"}
}

test_missing_llm_on_a_model_api_is_model_missing if {
	every api in ["openai.chat_completions", "openai.completions", "openai.embeddings"] {
		req := object.union(input_for(api, alice, ""), {"llm": null})
		d := gateway.decision with input as req
		d.allow == false
		d.status == 400
		d.reasons == [{"code": "model_missing", "message": concat("", [api, " requests must name a model"])}]
	}
}

test_entry_without_a_usable_route_is_a_catalogue_error if {
	broken := [
		object.remove(data.gateway.models["gpt-4o-mini"], ["provider"]),
		object.remove(data.gateway.models["gpt-4o-mini"], ["provider_model"]),
		object.union(data.gateway.models["gpt-4o-mini"], {"provider": ""}),
		object.union(data.gateway.models["gpt-4o-mini"], {"provider_model": 4}),
	]
	every entry in broken {
		d := gateway.decision with input as chat(alice, "gpt-4o-mini") with data.gateway.models as {"gpt-4o-mini": entry}
		d.allow == false
		d.status == 500
		deny_codes_of(d) == ["model_catalogue_invalid"]
	}
}

test_missing_catalogue_denies_every_model if {
	d := gateway.decision with input as chat(admin, "gpt-4o-mini") with data.gateway.models as {}
	deny_codes_of(d) == ["model_unknown"]
}
