package gateway

# The APIs the gateway serves; anything else is denied with 404.
known_apis := model_apis | listing_apis

api_known if input.request.api in known_apis

# APIs whose requests name a model: they go through the catalogue checks and to a provider. The
# native fronts (Anthropic's Messages, Gemini's generateContent) name it in the body or the path.
model_apis := {
	"openai.chat_completions",
	"openai.completions",
	"openai.embeddings",
	"anthropic.messages",
	"gemini.generate_content",
	"gemini.stream_generate_content",
}

model_api if input.request.api in model_apis

# GET /v1/models (and /v1/models/{id}) is answered by the gateway itself, listing what this caller
# may use, in the shape of the caller's SDK: OpenAI's, Anthropic's or Gemini's.
listing_apis := {"openai.models", "anthropic.models", "gemini.models"}

model_listing if input.request.api in listing_apis

# A native SDK's listing shows the models its own front can reach; OpenAI's shows them all.
listing_front_serves(_) if input.request.api == "openai.models"

listing_front_serves(entry) if {
	input.request.api == "anthropic.models"
	"anthropic.messages" in entry.apis
}

listing_front_serves(entry) if {
	input.request.api == "gemini.models"
	"gemini.generate_content" in entry.apis
}

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
