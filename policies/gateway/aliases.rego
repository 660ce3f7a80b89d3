package gateway

# Failover aliases: a virtual model whose `targets` name catalogue models, each with a `priority`
# (lower first) and a `weight` (share of traffic among targets of the same priority):
#   "smart": {"provider": "alias-smart", "approved": true, "apis": [...], "teams": ["*"],
#             "targets": [{"model": "claude-haiku-4-5", "priority": 0, "weight": 1}, ...]}
# `provider` is the alias's Envoy route (alias-<name>); envoy/envoy.yaml holds its clusters in the
# order and with the weights the targets give (test/envoy-config checks that they agree).
#
# An alias never launders a model: a target counts only when its own catalogue entry is approved,
# serves the request's API and is allowed to the caller. An upstream filter's refusal is not
# retried by Envoy, so an attempt to a provider outside the usable set could not be skipped; the
# route therefore goes to a cluster whose members are exactly the usable targets: the alias's own
# clusters when every target is usable, otherwise the first usable target alone (its provider's
# own route, no failover). No usable target: 403 alias_no_approved_target, naming the alias.

alias_entry := model_entry if has_targets(model_entry)

has_targets(entry) if entry.targets

# The targets in failover order: by priority, then as listed.
alias_targets := [target |
	some ranked in sort([[t.priority, i, t] | some i, t in alias_entry.targets])
	target := ranked[2]
]

target_entry(target) := data.gateway.models[target.model] if {
	is_string(target.model)
	not has_targets(data.gateway.models[target.model])
}

target_route(target) := {"provider": entry.provider, "model": entry.provider_model} if {
	entry := target_entry(target)
	is_string(entry.provider)
	is_string(entry.provider_model)
	entry.provider != ""
	entry.provider_model != ""
}

target_usable(target) if {
	entry := target_entry(target)
	approved(entry)
	serves_api(entry)
	team_permitted(entry)
}

# Each target must name a catalogue model (not another alias) with a valid route, a number
# priority and a positive weight, on a provider of its own: an aggregate cluster lists a provider
# once, and each attempt finds its model by its provider.
alias_well_formed if {
	is_string(alias_entry.provider)
	startswith(alias_entry.provider, "alias-")
	is_array(alias_entry.targets)
	count(alias_entry.targets) > 0
	every target in alias_entry.targets {
		target_route(target)
		is_number(target.priority)
		is_number(target.weight)
		target.weight > 0
	}
	providers := [target_route(t).provider | some t in alias_entry.targets]
	count({p | some p in providers}) == count(providers)
}

usable_targets := [t | some t in alias_targets; target_usable(t)] if alias_well_formed

alias_route := {
	"provider": alias_entry.provider,
	"model": input.llm.model,
	"targets": {r.provider: r.model | some t in usable_targets; r := target_route(t)},
} if {
	count(usable_targets) == count(alias_entry.targets)
}

alias_route := target_route(usable_targets[0]) if {
	count(usable_targets) > 0
	count(usable_targets) < count(alias_entry.targets)
}

failures["alias_no_approved_target"] := {
	"status": 403,
	"message": concat("", [
		"model alias '", input.llm.model,
		"' has no target model that is approved and allowed for team '", input.principal.team, "'",
	]),
} if alias_without_usable_target

alias_without_usable_target if {
	alias_well_formed
	count(usable_targets) == 0
}

# The model listing (whatever the API) shows an alias only to a caller who may use one of its targets.
listable(entry) if not has_targets(entry)

listable(entry) if {
	some target in entry.targets
	model := target_entry(target)
	approved(model)
	team_permitted(model)
}
