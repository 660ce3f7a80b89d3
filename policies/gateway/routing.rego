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
