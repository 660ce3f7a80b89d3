package gateway

# The native fronts speak one provider API each, and the gateway passes them through: it never
# translates Anthropic's Messages API to Gemini or an OpenAI-compatible server, nor the reverse.
# A request on a native front may only go to providers of that API (data.gateway.providers[p].api);
# a catalogue entry that lists a native API but routes elsewhere is refused with a clear message
# rather than sent to a provider that would misread it.
native_front_provider_api := {
	"anthropic.messages": "anthropic",
	"gemini.generate_content": "gemini",
	"gemini.stream_generate_content": "gemini",
}

provider_speaks(provider, api) if data.gateway.providers[provider].api == api

mismatched_providers := sort([provider |
	wanted := native_front_provider_api[input.request.api]
	some provider in route_provider_set(route)
	not provider_speaks(provider, wanted)
])

failures["api_provider_mismatch"] := {
	"status": 400,
	"message": concat("", [
		"model '", clip(input.llm.model), "' is served by provider ", concat(", ", mismatched_providers),
		", which does not speak the ", native_front_provider_api[input.request.api],
		" API; the gateway does not translate the ", input.request.api,
		" front to other providers: use /v1/chat/completions for this model",
	]),
} if {
	native_front_provider_api[input.request.api]

	# Only a catalogue entry that lists the front can be inconsistent; for any other model
	# model_api_mismatch already says the front does not serve it.
	serves_api(model_entry)
	count(mismatched_providers) > 0
}
