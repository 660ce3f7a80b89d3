package gateway

# Lookup is by exact key: the catalogue must not match "GPT-4o-mini" or " gpt-4o-mini" to
# "gpt-4o-mini", because the upstream reads the name the caller sent, not a normalised one.
model_entry := data.gateway.models[input.llm.model] if model_api

# Optional fields are tested through helper rules: in `not x in entry.apis` Rego evaluates
# `entry.apis` outside the negation, so a missing field would make the whole check undefined and
# silently drop the failure instead of reporting it.
model_named if is_string(input.llm.model)

failures["model_missing"] := {
	"status": 400,
	"message": concat("", [input.request.api, " requests must name a model"]),
} if {
	model_api
	not model_named
}

failures["model_unknown"] := {
	"status": 403,
	"message": concat("", ["model '", clip(input.llm.model), "' is not in the gateway's model catalogue"]),
} if {
	model_api
	model_named
	not model_entry
}

# A missing or non-boolean `approved` counts as not approved: the catalogue opts models in.
failures["model_not_approved"] := {
	"status": 403,
	"message": concat("", ["model '", input.llm.model, "' is not approved for use through the gateway"]),
} if {
	entry := model_entry
	not approved(entry)
}

failures["model_api_mismatch"] := {
	"status": 400,
	"message": concat("", ["model '", input.llm.model, "' cannot be used with the ", input.request.api, " API"]),
} if {
	entry := model_entry
	not serves_api(entry)
}

failures["model_not_allowed_for_team"] := {
	"status": 403,
	"message": concat("", ["team '", input.principal.team, "' is not allowed to use model '", input.llm.model, "'"]),
} if {
	entry := model_entry
	not team_permitted(entry)
}

# Without a usable route an otherwise permitted request still has nowhere to go; this is a
# catalogue mistake, so it is reported as the gateway's fault rather than the caller's.
failures["model_catalogue_invalid"] := {
	"status": 500,
	"message": concat("", [
		"the gateway's catalogue entry for model '", input.llm.model,
		"' has no valid provider route; contact the gateway's security team",
	]),
} if {
	model_entry
	not planned_route
	not alias_without_usable_target
}

approved(entry) if entry.approved == true

serves_api(entry) if input.request.api in entry.apis

team_permitted(entry) if "*" in entry.teams

team_permitted(entry) if input.principal.team in entry.teams

# Roles listed on a model grant it to their holders whatever their team.
team_permitted(entry) if {
	some role in input.principal.roles
	role in entry.roles
}

# A failover alias routes as aliases.rego says; any other entry to its own provider and model.
catalogue_route := alias_route if alias_entry

catalogue_route := plain_route if not has_targets(model_entry)

# The route the catalogue and the routing rules (routing.rego) plan: personal data may go to a
# self-hosted model, a schedule may pick another model at some hours; otherwise the catalogue's.
planned_route := r if {
	r := rerouted
} else := r if {
	r := scheduled_route
} else := catalogue_route

# The route the request takes: the planned one, unless the caller's data residency (routing.rego)
# moves it to a provider in an allowed region. Neither: no route, and data_residency says why.
route := planned_route if residency_allows(planned_route)

route := residency_route if not residency_allows(planned_route)

plain_route := {"provider": provider, "model": provider_model} if {
	provider := model_entry.provider
	provider_model := model_entry.provider_model
	is_string(provider)
	is_string(provider_model)
	provider != ""
	provider_model != ""
}

# The models a caller may use: approved, and allowed for the caller's team or roles. A failover
# alias is listed under its own name, when the caller may use one of its targets (aliases.rego);
# `owned_by` is the provider (or alias) that serves it.
listed_models := [{"id": id, "owned_by": entry.provider} |
	some id in sort([name | some name, _ in data.gateway.models])
	entry := data.gateway.models[id]
	approved(entry)
	team_permitted(entry)
	listable(entry)
	listing_front_serves(entry)
	listing_reachable(id, entry)
	is_string(entry.provider)
]
