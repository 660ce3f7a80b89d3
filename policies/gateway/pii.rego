package gateway

# What happens to each kind of PII or secret the gateway detects. The processor finds the
# entities (built-in detectors plus data.gateway.pii.custom) and tells the policy which types it
# found and where, never the values; the policy answers with an action per type:
#   allow   forward unchanged
#   redact  numbered placeholder, [EMAIL_1]
#   hash    keyed pseudonym, stable across requests, [EMPLOYEE_ID#3f9a1c2be01d]
#   block   refuse the whole request (pii_blocked, 403)

pii_action_names := {"allow", "redact", "hash", "block"}

# Where the request goes: the hosting of the routed provider. A provider missing from
# data.gateway.providers, a hosting other than "self_hosted", or no route at all (a denied
# request) counts as external, the most restrictive destination.
pii_destination := "self_hosted" if {
	data.gateway.providers[route.provider].hosting == "self_hosted"
} else := "external"

# First match wins: a Rego rule (pii_rules.rego), the caller's team override for this
# destination, the destination's action, the data's default_action, and "redact" when the data
# says nothing. A value that is not an action (a typo such as "alow") blocks the type: an edit
# mistake fails closed, never open.
pii_action(t) := pii_checked_action(action) if {
	action := pii_rule_actions[t]
} else := pii_checked_action(action) if {
	action := data.gateway.pii.team_overrides[input.principal.team][pii_destination][t]
} else := pii_checked_action(action) if {
	action := data.gateway.pii.actions[pii_destination][t]
} else := pii_checked_action(action) if {
	action := data.gateway.pii.default_action
} else := "redact"

pii_checked_action(action) := action if action in pii_action_names

pii_checked_action(action) := "block" if not action in pii_action_names

pii_found_types := {f.type | some f in input.pii.findings}

pii_configured_types := {t | some t in data.gateway.pii.types}

pii_types := pii_configured_types | pii_found_types

# An action for every configured type and for every type found in the request, so the processor
# also knows what to do with an entity that first appears in the model's answer.
# Type names are not re-checked here (a regex per type per request costs more than the rest of
# the policy): the processor sends valid names, and the data's names are checked by opa test
# (test_every_configured_type_is_a_valid_type_name). A bad name makes the decision malformed, and
# the gateway denies with a log line naming it.
pii_actions := {t: pii_action(t) |
	some t in pii_types
	is_string(t)
}

pii_blocked_types := sort([t |
	some t in pii_found_types
	is_string(t)
	pii_action(t) == "block"
])

pii_destination_phrase := concat("", ["the ", pii_hosting_label, " provider '", route.provider, "'"]) if {
	is_object(route)
} else := "an external provider"

pii_hosting_label := "self-hosted" if {
	pii_destination == "self_hosted"
} else := "external"

# Like the model checks, this only applies to an API the gateway serves, so unknown_api stays the
# only reason for anything else. The message names the blocked types (sorted, so it is the same for the same request) and the
# destination, never a value.
failures["pii_blocked"] := {
	"status": 403,
	"message": concat("", [
		"the request contains ", clip_list(concat(", ", pii_blocked_types)),
		", which may not be sent to ", pii_destination_phrase,
	]),
} if {
	api_known
	count(pii_blocked_types) > 0
}

# Entity types are short, but a long list of custom types must not push the message past the
# decision's 1000-character limit.
clip_list(s) := s if count(s) <= 512

clip_list(s) := concat("", [substring(s, 0, 512), "..."]) if count(s) > 512

default pii_restore := false

pii_restore if data.gateway.pii.restore == true

default audit_store_prompt := false

audit_store_prompt if data.gateway.audit.store_prompt == true
