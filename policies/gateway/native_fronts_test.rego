package gateway_test

import data.gateway

test_anthropic_messages_reaches_claude_on_the_anthropic_provider if {
	d := gateway.decision with input as input_for("anthropic.messages", alice, "claude-haiku-4-5")
	d.allow == true
	d.route == {"provider": "anthropic", "model": "claude-haiku-4-5"}
}

test_gemini_generate_and_stream_reach_gemini if {
	every api in ["gemini.generate_content", "gemini.stream_generate_content"] {
		d := gateway.decision with input as input_for(api, bob, "gemini-2.5-flash")
		d.allow == true
		d.route == {"provider": "gemini", "model": "gemini-2.5-flash"}
	}
}

test_a_model_of_another_api_on_a_native_front_is_400 if {
	d := gateway.decision with input as input_for("anthropic.messages", alice, "gpt-4o-mini")
	d.allow == false
	d.status == 400
	deny_codes_of(d) == ["model_api_mismatch"]
	d.reasons[0].message == "model 'gpt-4o-mini' cannot be used with the anthropic.messages API"
}

test_a_native_front_is_not_translated_to_another_providers_api if {
	entry := {
		"provider": "gemini", "provider_model": "gemini-2.5-flash", "approved": true,
		"apis": ["anthropic.messages"], "teams": ["*"],
	}
	d := gateway.decision with input as input_for("anthropic.messages", alice, "claude-on-gemini")
		with data.gateway.models["claude-on-gemini"] as entry
	d.allow == false
	d.status == 400
	deny_codes_of(d) == ["api_provider_mismatch"]
	msg := d.reasons[0].message
	contains(msg, "provider gemini, which does not speak the anthropic API")
	contains(msg, "does not translate the anthropic.messages front")
}

test_every_provider_of_a_failover_alias_must_speak_the_native_api if {
	# A target whose own entry (wrongly) lists the Gemini front but routes to Anthropic.
	misfiled := {
		"provider": "anthropic", "provider_model": "claude-haiku-4-5", "approved": true,
		"apis": ["gemini.generate_content"], "teams": ["*"],
	}
	entry := {
		"provider": "alias-mixed", "provider_model": "mixed", "approved": true,
		"apis": ["gemini.generate_content"], "teams": ["*"],
		"targets": [
			{"model": "misfiled", "priority": 0, "weight": 1},
			{"model": "gemini-2.5-flash", "priority": 1, "weight": 1},
		],
	}
	d := gateway.decision with input as input_for("gemini.generate_content", alice, "mixed")
		with data.gateway.models.mixed as entry
		with data.gateway.models.misfiled as misfiled
	deny_codes_of(d) == ["api_provider_mismatch"]
	contains(d.reasons[0].message, "served by provider anthropic,")
}

test_a_provider_without_an_api_is_no_native_provider if {
	d := gateway.decision with input as input_for("anthropic.messages", alice, "claude-haiku-4-5")
		with data.gateway.providers.anthropic as {"hosting": "external"}
	deny_codes_of(d) == ["api_provider_mismatch"]
}

test_the_openai_front_still_reaches_any_provider if {
	d := gateway.decision with input as input_for("openai.chat_completions", alice, "gemini-2.5-flash")
	d.allow == true
}

# The shipped catalogue is consistent: every model listed for a native front routes to providers
# of that front's API.
test_shipped_catalogue_routes_native_fronts_to_their_own_providers if {
	every _, entry in data.gateway.models {
		every api in entry.apis {
			native_route_consistent(api, entry)
		}
	}
}

native_route_consistent(api, _) if not gateway.native_front_provider_api[api]

native_route_consistent(api, entry) if {
	wanted := gateway.native_front_provider_api[api]
	providers := {data.gateway.models[t.model].provider | some t in entry.targets} | {p | not entry.targets; p := entry.provider}
	every p in providers {
		data.gateway.providers[p].api == wanted
	}
}
