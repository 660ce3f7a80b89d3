package gateway

# The first reason in this order sets the deny status, and reasons are listed in this order,
# so the same request always gets the same answer.
reason_priority := [
	"unknown_api",
	"model_missing",
	"model_unknown",
	"model_not_approved",
	"model_api_mismatch",
	"api_provider_mismatch",
	"model_not_allowed_for_team",
	"alias_no_approved_target",
	"model_catalogue_invalid",
	"data_residency",
	"pii_blocked",
]

# A failure added without a place in reason_priority still denies; it sorts after the known ones.
deny_codes := array.concat(
	[code | some code in reason_priority; failures[code]],
	sort([code | some code, _ in failures; not code in reason_priority]),
)

# Allow needs a positive route, a caller and the PII scan's summary as well as the absence of
# failures, so a request that slips past every check (for example input that breaks the
# contract, or a processor that did not scan) is still denied.
permitted if {
	count(failures) == 0
	is_object(route)
	is_string(input.principal.key_id)
	is_array(input.pii.findings)
}

# A safety net: should an edit leave both rules below undefined, the gateway still gets a
# well-formed deny. A default must be a constant, so the fallback reason is spelled out twice.
default decision := {
	"allow": false,
	"status": 403,
	"reasons": [{"code": "policy_denied", "message": "the request was denied by the gateway's policy"}],
	"route": null,
	"headers": {},
	"audit": {"tags": [], "store_prompt": false},
	"pii": {"actions": {}, "default_action": "redact", "restore": false},
	"models": null,
}

decision := {
	"allow": true,
	"reasons": [],
	"route": route,
	"headers": {},
	"audit": {"tags": audit_tags, "store_prompt": audit_store_prompt},
	"pii": pii_decision,
	"models": null,
} if permitted

# GET /v1/models: the gateway answers itself with the models this caller may use.
listing_permitted if {
	model_listing
	count(failures) == 0
	is_string(input.principal.key_id)
}

decision := {
	"allow": true,
	"reasons": [],
	"route": null,
	"headers": {},
	"audit": {"tags": audit_tags, "store_prompt": false},
	"pii": {"actions": {}, "default_action": "redact", "restore": false},
	"models": listed_models,
} if listing_permitted

decision := {
	"allow": false,
	"status": deny_status,
	"reasons": deny_reasons,
	"route": null,
	"headers": {},
	"audit": {"tags": audit_tags, "store_prompt": audit_store_prompt},
	"pii": pii_decision,
	"models": null,
} if {
	not permitted
	not listing_permitted
}

# What the processor does with PII: the same table whether the request is allowed or denied (a
# denied request's audit row still records what would have happened to each type found).
pii_decision := {"actions": pii_actions, "default_action": pii_default_action, "restore": pii_restore}

deny_reasons := [{"code": code, "message": failures[code].message} | some code in deny_codes] if {
	count(deny_codes) > 0
} else := [{"code": "policy_denied", "message": "the request was denied by the gateway's policy"}]

deny_status := status if {
	status := failures[deny_codes[0]].status
	is_number(status)
	status >= 400
	status <= 599
} else := 403

# Audit tags are capped at 64 characters by the decision contract.
audit_tags := [substring(concat("", ["team:", input.principal.team]), 0, 64)] if {
	is_string(input.principal.team)
} else := []
