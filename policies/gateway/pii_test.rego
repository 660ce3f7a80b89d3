package gateway_test

import data.gateway

secret_types := ["AWS_ACCESS_KEY", "GITHUB_TOKEN", "OPENAI_API_KEY", "ANTHROPIC_API_KEY", "JWT", "PRIVATE_KEY"]

# The shipped defaults, spelled out so that a change to data.json shows up as a failing test.
external_actions := {
	"EMAIL": "redact", "PHONE": "redact", "IP_ADDRESS": "redact",
	"CREDIT_CARD": "redact", "US_SSN": "redact", "IBAN": "redact",
	"EMPLOYEE_ID": "hash", "PROJECT_CODENAME": "redact",
	"AWS_ACCESS_KEY": "block", "GITHUB_TOKEN": "block", "OPENAI_API_KEY": "block",
	"ANTHROPIC_API_KEY": "block", "JWT": "block", "PRIVATE_KEY": "block",
}

self_hosted_actions := {
	"EMAIL": "allow", "PHONE": "allow", "IP_ADDRESS": "allow",
	"CREDIT_CARD": "redact", "US_SSN": "redact", "IBAN": "redact",
	"EMPLOYEE_ID": "allow", "PROJECT_CODENAME": "allow",
	"AWS_ACCESS_KEY": "block", "GITHUB_TOKEN": "block", "OPENAI_API_KEY": "block",
	"ANTHROPIC_API_KEY": "block", "JWT": "block", "PRIVATE_KEY": "block",
}

# The demo provider made self-hosted, so the demo catalogue's routes reach a self-hosted model.
self_hosted_demo := {"demo": {"hosting": "self_hosted"}}

# A catalogue entry routed to the self-hosted example provider of data.json.
local_models := {"llama-local": {
	"provider": "local",
	"provider_model": "llama-3.1-8b-instruct",
	"approved": true,
	"apis": ["openai.chat_completions"],
	"teams": ["*"],
}}

pii_of(d) := d.pii.actions

# --- destination and default actions ---

test_external_provider_gets_the_external_actions if {
	d := gateway.decision with input as chat(alice, "gpt-4o-mini")
	d.allow == true
	pii_of(d) == external_actions
	d.pii.restore == true
}

test_self_hosted_provider_gets_the_self_hosted_actions if {
	d := gateway.decision with input as chat(alice, "gpt-4o-mini") with data.gateway.providers as self_hosted_demo
	d.allow == true
	pii_of(d) == self_hosted_actions
}

test_the_shipped_self_hosted_example_provider_is_self_hosted if {
	d := gateway.decision with input as chat_with_pii(alice, "llama-local", ["EMAIL", "EMPLOYEE_ID"])
		with data.gateway.models as local_models
	d.allow == true
	d.route == {"provider": "local", "model": "llama-3.1-8b-instruct"}
	pii_of(d).EMAIL == "allow"
	pii_of(d).EMPLOYEE_ID == "allow"
}

test_unknown_provider_or_hosting_counts_as_external if {
	every providers in [
		{},
		{"openai": {"hosting": "self_hosted"}},
		{"demo": {}},
		{"demo": {"hosting": "on_prem"}},
		{"demo": {"hosting": "SELF_HOSTED"}},
		{"demo": "self_hosted"},
	] {
		d := gateway.decision with input as chat(alice, "gpt-4o-mini") with data.gateway.providers as providers
		pii_of(d) == external_actions
	}
}

test_a_denied_request_without_a_route_gets_the_external_actions if {
	d := gateway.decision with input as chat(alice, "no-such-model") with data.gateway.providers as self_hosted_demo
	d.allow == false
	pii_of(d) == external_actions
}

test_email_to_an_external_provider_is_redacted_and_allowed if {
	d := gateway.decision with input as chat_with_pii(alice, "gpt-4o-mini", ["EMAIL", "PHONE"])
	d.allow == true
	pii_of(d).EMAIL == "redact"
	pii_of(d).PHONE == "redact"
}

test_employee_ids_are_hashed_for_external_providers if {
	d := gateway.decision with input as chat_with_pii(bob, "gpt-4o-mini", ["EMPLOYEE_ID", "PROJECT_CODENAME"])
	d.allow == true
	pii_of(d).EMPLOYEE_ID == "hash"
	pii_of(d).PROJECT_CODENAME == "redact"
}

test_card_numbers_are_redacted_even_for_self_hosted_providers if {
	d := gateway.decision with input as chat_with_pii(alice, "gpt-4o-mini", ["CREDIT_CARD", "IBAN", "US_SSN"])
		with data.gateway.providers as self_hosted_demo
	d.allow == true
	every t in ["CREDIT_CARD", "IBAN", "US_SSN"] {
		pii_of(d)[t] == "redact"
	}
}

# --- team overrides, default_action, unknown types ---

test_platform_may_send_jwts_to_self_hosted_providers if {
	d := gateway.decision with input as chat_with_pii(admin, "gpt-4o-mini", ["JWT"]) with data.gateway.providers as self_hosted_demo
	d.allow == true
	pii_of(d) == object.union(self_hosted_actions, {"JWT": "allow"})
}

test_platform_may_not_send_jwts_to_external_providers if {
	d := gateway.decision with input as chat_with_pii(admin, "gpt-4o-mini", ["JWT"])
	deny_codes_of(d) == ["pii_blocked"]
	pii_of(d) == external_actions
}

test_other_teams_may_not_send_jwts_to_self_hosted_providers if {
	d := gateway.decision with input as chat_with_pii(alice, "gpt-4o-mini", ["JWT"]) with data.gateway.providers as self_hosted_demo
	deny_codes_of(d) == ["pii_blocked"]
}

test_team_override_beats_the_destination_action if {
	overrides := {"research": {"external": {"EMAIL": "allow", "AWS_ACCESS_KEY": "redact"}}}
	d := gateway.decision with input as chat_with_pii(alice, "gpt-4o-mini", ["AWS_ACCESS_KEY", "EMAIL"])
		with data.gateway.pii.team_overrides as overrides
	d.allow == true
	pii_of(d).EMAIL == "allow"
	pii_of(d).AWS_ACCESS_KEY == "redact"
	pii_of(d).GITHUB_TOKEN == "block"
}

test_team_override_for_another_destination_does_not_apply if {
	overrides := {"research": {"self_hosted": {"EMAIL": "block"}}}
	d := gateway.decision with input as chat_with_pii(alice, "gpt-4o-mini", ["EMAIL"])
		with data.gateway.pii.team_overrides as overrides
	d.allow == true
	pii_of(d).EMAIL == "redact"
}

test_configured_type_without_a_destination_action_falls_to_the_default_action if {
	types := array.concat(data.gateway.pii.types, ["BADGE_NUMBER"])
	d := gateway.decision with input as chat(alice, "gpt-4o-mini")
		with data.gateway.pii.types as types
		with data.gateway.pii.default_action as "hash"
	pii_of(d) == external_actions
	d.pii.default_action == "hash"
}

test_found_type_unknown_to_the_data_gets_the_default_action if {
	d := gateway.decision with input as chat_with_pii(alice, "gpt-4o-mini", ["PASSPORT"])
	d.allow == true
	pii_of(d) == object.union(external_actions, {"PASSPORT": "redact"})
}

test_default_action_block_blocks_unknown_found_types if {
	d := gateway.decision with input as chat_with_pii(alice, "gpt-4o-mini", ["EMAIL", "PASSPORT"])
		with data.gateway.pii.default_action as "block"
	d.status == 403
	d.reasons == [{
		"code": "pii_blocked",
		"message": "the request contains PASSPORT, which may not be sent to the external provider 'demo'",
	}]
}

test_without_pii_data_every_type_found_is_redacted if {
	d := gateway.decision with input as chat_with_pii(alice, "gpt-4o-mini", ["AWS_ACCESS_KEY", "EMAIL"])
		with data.gateway.pii as {}
	d.allow == true
	d.pii == {"actions": {"AWS_ACCESS_KEY": "redact", "EMAIL": "redact", "PRIVATE_KEY": "block"}, "default_action": "redact", "restore": false}
}

test_an_invalid_action_in_the_data_blocks_the_type if {
	every bad in ["alow", "ALLOW", "", true, null, {}] {
		d := gateway.decision with input as chat_with_pii(alice, "gpt-4o-mini", ["EMAIL"])
			with data.gateway.pii.actions.external.EMAIL as bad
		pii_of(d).EMAIL == "block"
		deny_codes_of(d) == ["pii_blocked"]
		well_formed(d)
	}
}

test_an_invalid_default_action_blocks_types_without_an_action if {
	d := gateway.decision with input as chat_with_pii(alice, "gpt-4o-mini", ["PASSPORT"])
		with data.gateway.pii.default_action as "drop"
	pii_of(d).PASSPORT == "block"
	pii_of(d).EMAIL == "redact"
}

test_a_rego_rule_beats_the_team_override_and_the_data if {
	overrides := {"research": {"external": {"EMAIL": "block"}}}
	d := gateway.decision with input as chat_with_pii(alice, "gpt-4o-mini", ["EMAIL"])
		with data.gateway.pii.team_overrides as overrides
		with gateway.pii_rule_actions as {"EMAIL": "allow"}
	d.allow == true
	pii_of(d).EMAIL == "allow"
}

test_an_invalid_action_from_a_rego_rule_blocks_the_type if {
	d := gateway.decision with input as chat_with_pii(alice, "gpt-4o-mini", ["EMAIL"])
		with gateway.pii_rule_actions as {"EMAIL": "pass"}
	deny_codes_of(d) == ["pii_blocked"]
}

test_private_keys_stay_blocked_whatever_the_data_says if {
	overrides := {"platform": {"self_hosted": {"PRIVATE_KEY": "allow"}, "external": {"PRIVATE_KEY": "allow"}}}
	every providers in [data.gateway.providers, self_hosted_demo] {
		d := gateway.decision with input as chat_with_pii(admin, "gpt-4o-mini", ["PRIVATE_KEY"])
			with data.gateway.providers as providers
			with data.gateway.pii.team_overrides as overrides
			with data.gateway.pii.actions.self_hosted.PRIVATE_KEY as "allow"
			with data.gateway.pii.default_action as "allow"
		deny_codes_of(d) == ["pii_blocked"]
		pii_of(d).PRIVATE_KEY == "block"
	}
}

# --- pii_blocked ---

test_a_secret_blocks_the_request_naming_types_sorted_and_provider if {
	d := gateway.decision with input as chat_with_pii(alice, "gpt-4o-mini", ["PRIVATE_KEY", "EMAIL", "AWS_ACCESS_KEY"])
	d.allow == false
	d.status == 403
	d.route == null
	d.reasons == [{
		"code": "pii_blocked",
		"message": "the request contains AWS_ACCESS_KEY, PRIVATE_KEY, which may not be sent to the external provider 'demo'",
	}]
	well_formed(d)
}

test_every_secret_type_is_blocked_everywhere if {
	every t in secret_types {
		every providers in [data.gateway.providers, self_hosted_demo] {
			d := gateway.decision with input as chat_with_pii(alice, "gpt-4o-mini", [t]) with data.gateway.providers as providers
			deny_codes_of(d) == ["pii_blocked"]
		}
	}
}

test_pii_blocked_names_a_self_hosted_provider if {
	d := gateway.decision with input as chat_with_pii(alice, "llama-local", ["GITHUB_TOKEN"])
		with data.gateway.models as local_models
	d.reasons == [{
		"code": "pii_blocked",
		"message": "the request contains GITHUB_TOKEN, which may not be sent to the self-hosted provider 'local'",
	}]
}

test_pii_blocked_comes_after_the_model_reasons if {
	d := gateway.decision with input as chat_with_pii(bob, "gpt-4o", ["JWT", "OPENAI_API_KEY"])
	d.status == 403
	d.reasons == [
		{"code": "model_not_allowed_for_team", "message": "team 'marketing' is not allowed to use model 'gpt-4o'"},
		{
			"code": "pii_blocked",
			"message": "the request contains JWT, OPENAI_API_KEY, which may not be sent to the external provider 'demo'",
		},
	]
}

test_a_model_reason_sets_the_status_before_pii_blocked if {
	d := gateway.decision with input as chat_with_pii(alice, "text-embedding-3-small", ["JWT"])
	deny_codes_of(d) == ["model_api_mismatch", "pii_blocked"]
	d.status == 400
}

test_pii_blocked_without_a_route_names_no_provider if {
	d := gateway.decision with input as chat_with_pii(alice, "gpt-5-ultra", ["JWT"])
	deny_codes_of(d) == ["model_unknown", "pii_blocked"]
	d.reasons[1].message == "the request contains JWT, which may not be sent to an external provider"
}

test_unknown_api_stays_the_only_reason_when_secrets_are_found if {
	req := object.union(input_for("unknown", alice, "gpt-4o-mini"), {"pii": {"findings": [finding("JWT", 1)], "non_text_parts": 0}})
	d := gateway.decision with input as req
	deny_codes_of(d) == ["unknown_api"]
}

test_pii_blocked_follows_the_model_checks_in_the_priority_list if {
	n := count(gateway.reason_priority)
	gateway.reason_priority[n - 1] == "pii_blocked"
}

test_a_configured_block_action_alone_does_not_deny if {
	d := gateway.decision with input as chat_with_pii(alice, "gpt-4o-mini", ["EMAIL"])
	d.allow == true
	pii_of(d).JWT == "block"
}

test_a_long_list_of_blocked_types_stays_within_the_message_limit if {
	types := [concat("", ["CUSTOM_TYPE_", format_int(i, 10), "_", concat("", [x | some _ in numbers.range(1, 40); x := "X"])]) |
		some i in numbers.range(1, 40)
	]
	d := gateway.decision with input as chat_with_pii(alice, "gpt-4o-mini", types)
		with data.gateway.pii.default_action as "block"
	deny_codes_of(d) == ["pii_blocked"]
	count(d.reasons[0].message) <= 1000
	contains(d.reasons[0].message, "...")
	well_formed(d)
}

test_decisions_with_findings_are_well_formed_for_every_demo_combination if {
	all_found := array.concat(data.gateway.pii.types, ["PASSPORT"])
	every api in all_apis {
		every p in [alice, bob, admin] {
			every m in ["gpt-4o-mini", "gpt-4o", "gpt-4.1", "nope"] {
				req := object.union(input_for(api, p, m), {"pii": {
					"findings": [finding(t, 2) | some t in sort(all_found)],
					"non_text_parts": 1,
				}})
				d := gateway.decision with input as req
				well_formed(d)
				d.allow == false
			}
		}
	}
}

# --- restore and store_prompt ---

test_restore_and_store_prompt_come_from_the_data if {
	d := gateway.decision with input as chat(alice, "gpt-4o-mini")
	d.pii.restore == true
	d.audit.store_prompt == true
	d2 := gateway.decision with input as chat(bob, "gpt-4o")
	d2.allow == false
	d2.pii.restore == true
	d2.audit.store_prompt == true
}

test_restore_and_store_prompt_are_false_unless_the_data_says_true if {
	every v in [false, "true", 1, null] {
		d := gateway.decision with input as chat(alice, "gpt-4o-mini")
			with data.gateway.pii.restore as v
			with data.gateway.audit.store_prompt as v
		d.pii.restore == false
		d.audit.store_prompt == false
	}
	d := gateway.decision with input as chat(alice, "gpt-4o-mini")
		with data.gateway.pii as {}
		with data.gateway.audit as {}
	d.pii.restore == false
	d.audit.store_prompt == false
}

test_input_outside_the_contract_still_gets_the_external_actions if {
	every req in [{}, {"request": {}}, object.remove(chat(alice, "gpt-4o-mini"), ["pii"])] {
		d := gateway.decision with input as req
		d.allow == false
		d.pii == {"actions": external_actions, "default_action": "redact", "restore": true}
		d.audit.store_prompt == true
	}
}

# --- the shipped data ---

test_every_configured_type_has_an_explicit_action_per_destination if {
	every destination in ["external", "self_hosted"] {
		every t in data.gateway.pii.types {
			data.gateway.pii.actions[destination][t] in {"allow", "redact", "hash", "block"}
		}
		every t, _ in data.gateway.pii.actions[destination] {
			t in data.gateway.pii.types
		}
	}
}

test_every_configured_type_is_a_valid_type_name if {
	every t in data.gateway.pii.types {
		regex.match(`^[A-Z][A-Z0-9_]{0,63}$`, t)
	}
}

test_every_custom_type_is_a_configured_type if {
	every rule in array.concat(data.gateway.pii.custom.patterns, data.gateway.pii.custom.keywords) {
		regex.match(`^[A-Z][A-Z0-9_]{0,63}$`, rule.type)
		rule.type in data.gateway.pii.types
	}
}

test_every_team_override_is_a_valid_action if {
	every _, destinations in data.gateway.pii.team_overrides {
		every destination, actions in destinations {
			destination in {"external", "self_hosted"}
			every t, action in actions {
				t in data.gateway.pii.types
				action in {"allow", "redact", "hash", "block"}
			}
		}
	}
}

test_every_provider_in_the_catalogue_has_a_hosting if {
	every _, entry in data.gateway.models {
		every provider in catalogue_providers(entry) {
			data.gateway.providers[provider].hosting in {"external", "self_hosted"}
		}
	}
}

# A failover alias routes to its targets' clusters; the targets' providers are the ones that answer.
catalogue_providers(entry) := {data.gateway.models[t.model].provider | some t in entry.targets} if is_array(entry.targets)

catalogue_providers(entry) := {entry.provider} if not entry.targets
