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
#
# The table is built by merging whole objects (later wins) rather than by a function call per
# type: it is computed for every request, and the merge costs about a third as much.
pii_merged_actions := object.union(
	object.union(pii_default_actions, pii_destination_actions),
	object.union(pii_team_actions, pii_rule_actions),
)

pii_destination_actions := actions if {
	actions := data.gateway.pii.actions[pii_destination]
	is_object(actions)
} else := {}

pii_team_actions := actions if {
	actions := data.gateway.pii.team_overrides[input.principal.team][pii_destination]
	is_object(actions)
} else := {}

# Types the request holds that no table names; any other type gets `default_action` from the
# decision (the processor applies it to types first seen in the answer).
pii_default_actions := {t: pii_default_action | some t in pii_found_types; is_string(t)}

pii_default_action := pii_checked_action(data.gateway.pii.default_action) if {
	data.gateway.pii.default_action
} else := "redact"

pii_checked_action(action) := action if action in pii_action_names

pii_checked_action(action) := "block" if not action in pii_action_names

pii_found_types := {f.type | some f in input.pii.findings}

# Every type the request holds or the data names gets an action.
pii_actions := object.union(pii_merged_actions, {t: "block" |
	some t, action in pii_merged_actions
	not action in pii_action_names
})

pii_blocked_types := sort([t |
	some t in pii_found_types
	is_string(t)
	pii_actions[t] == "block"
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
