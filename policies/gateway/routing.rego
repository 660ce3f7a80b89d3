package gateway

# Routing by data classification: a request that carries any of the listed entity types goes to
# the configured self-hosted provider and model instead of the catalogue's provider, so that data
# never leaves the network. The caller must still be allowed the model it asked for (the catalogue
# checks run as usual); only the destination changes. Data (gateway.routing.pii_self_hosted):
#   {"types": ["EMAIL", "PHONE"], "provider": "local", "model": "llama-3.3-70b-instruct"}
rerouted := {"provider": rule.provider, "model": rule.model} if {
	rule := data.gateway.routing.pii_self_hosted
	is_string(rule.provider)
	is_string(rule.model)
	data.gateway.providers[rule.provider].hosting == "self_hosted"
	model_entry
	input.request.api == "openai.chat_completions"
	some finding in input.pii.findings
	finding.type in rule.types
}

# Data residency: a key with a `region` (data.gateway.keys) reaches only providers whose `region`
# (data.gateway.providers) the residency entry of that region lists. A request planned elsewhere
# moves to the entry's `reroute` model for the requested one, when the caller may use it and it is
# served in an allowed region; otherwise it is refused (403 data_residency). A key without a
# region, or a region without an entry, is not restricted. Data (gateway.routing.residency):
#   {"eu": {"provider_regions": ["eu"], "reroute": {"gpt-4o-mini": "gpt-4o-azure"}}}
caller_residency := data.gateway.routing.residency[input.principal.region]

residency_allows(_) if not caller_residency

residency_allows(r) if {
	caller_residency
	every provider in route_provider_set(r) {
		region_allowed(provider)
	}
}

region_allowed(provider) if data.gateway.providers[provider].region in caller_residency.provider_regions

# The providers a route sends attempts to: its provider, or each provider of a failover alias.
route_provider_set(r) := {provider | some provider, _ in r.targets} if r.targets

route_provider_set(r) := {r.provider} if not r.targets

residency_route := r if {
	target := {"model": caller_residency.reroute[input.llm.model]}
	target_usable(target)
	r := target_route(target)
	residency_allows(r)
}

failures["data_residency"] := {
	"status": 403,
	"message": concat("", [
		"keys of region '", input.principal.region, "' may only reach providers in ",
		concat(", ", sort(caller_residency.provider_regions)), "; model '", clip(input.llm.model),
		"' is served from ", concat(", ", planned_regions),
	]),
} if {
	planned_route
	not residency_allows(planned_route)
	not residency_route
}

planned_regions := sort({provider_region(provider) | some provider in route_provider_set(planned_route)})

provider_region(provider) := region if {
	region := data.gateway.providers[provider].region
	is_string(region)
} else := "an unknown region"

# The model listing hides from a key with a residency region the models it could not reach: a
# model stays listed when every provider it routes to is in an allowed region, or when its reroute
# model is and the caller may use that model.
listing_reachable(_, _) if not caller_residency

listing_reachable(_, entry) if {
	caller_residency
	every provider in entry_providers(entry) {
		region_allowed(provider)
	}
}

listing_reachable(id, _) if {
	caller_residency
	target := {"model": caller_residency.reroute[id]}
	residency_allows(target_route(target))
	entry := target_entry(target)
	approved(entry)
	team_permitted(entry)
}

entry_providers(entry) := {entry.provider} if not has_targets(entry)

entry_providers(entry) := {target_route(target).provider | some target in entry.targets} if has_targets(entry)

# Schedules: at some hours (UTC) and weekdays, a listed model is served by another catalogue model
# for the listed teams, e.g. a cheaper model at night. The first rule that applies wins, and only
# when the caller may use its model. Data (gateway.routing.schedules), hours [from, to) wrap at
# midnight when from > to, weekdays 0 (Sunday) to 6, all weekdays when absent:
#   [{"models": ["gpt-4o"], "teams": ["*"], "hours_utc": [22, 6], "weekdays": [1, 2, 3, 4, 5], "use_model": "gpt-4o-mini"}]
scheduled_route := r if {
	schedules := data.gateway.routing.schedules
	applying := [i | some i, rule in schedules; schedule_applies(rule)]
	count(applying) > 0
	target := {"model": schedules[min(applying)].use_model}
	target_usable(target)
	r := target_route(target)
}

schedule_applies(rule) if {
	input.llm.model in rule.models
	schedule_team(rule.teams)
	within_hours(rule.hours_utc)
	on_weekday(rule)
}

schedule_team(teams) if "*" in teams

schedule_team(teams) if input.principal.team in teams

ms_of_day := input.request.time_ms % 86400000

utc_hour := (ms_of_day - (ms_of_day % 3600000)) / 3600000

# 1 January 1970 was a Thursday (4).
utc_weekday := (((input.request.time_ms - ms_of_day) / 86400000) + 4) % 7

within_hours([from, to]) if {
	from <= to
	utc_hour >= from
	utc_hour < to
}

within_hours([from, to]) if {
	from > to
	utc_hour >= from
}

within_hours([from, to]) if {
	from > to
	utc_hour < to
}

on_weekday(rule) if not rule.weekdays

on_weekday(rule) if utc_weekday in rule.weekdays
