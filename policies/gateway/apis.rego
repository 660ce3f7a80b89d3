package gateway

# APIs the gateway forwards to a provider. The processor also recognises openai.models,
# but listing models is not served yet, so it is denied like any unknown API.
known_apis := {"openai.chat_completions", "openai.completions", "openai.embeddings"}

# Every known API names a model, so every known API goes through the catalogue checks.
api_known if input.request.api in known_apis

failures["unknown_api"] := {
	"status": 404,
	"message": concat("", [
		input.request.method, " ", clip(input.request.path),
		" is not an API the gateway serves",
	]),
} if not api_known

# Caller-controlled strings are clipped so that a deny message always fits the decision's
# 1000-character limit; an oversized message would make the whole decision malformed.
clip(s) := s if count(s) <= 128

clip(s) := concat("", [substring(s, 0, 128), "..."]) if count(s) > 128
