package gateway_test

# Principals match the demo keys in policies/data.json.
alice := {"key_id": "demo-alice", "user": "alice@example.com", "team": "research", "roles": ["developer"]}

bob := {"key_id": "demo-bob", "user": "bob@example.com", "team": "marketing", "roles": ["analyst"]}

admin := {"key_id": "demo-admin", "user": "admin@example.com", "team": "platform", "roles": ["admin"]}

api_paths := {
	"openai.chat_completions": ["POST", "/v1/chat/completions"],
	"openai.completions": ["POST", "/v1/completions"],
	"openai.embeddings": ["POST", "/v1/embeddings"],
	"openai.models": ["GET", "/v1/models"],
	"anthropic.models": ["GET", "/v1/models"],
	"gemini.models": ["GET", "/v1beta/models"],
	"anthropic.messages": ["POST", "/v1/messages"],
	"gemini.generate_content": ["POST", "/v1beta/models/gemini-2.5-flash:generateContent"],
	"gemini.stream_generate_content": ["POST", "/v1beta/models/gemini-2.5-flash:streamGenerateContent"],
	"unknown": ["POST", "/v1/responses"],
}

request_for(api) := {
	"id": "req-1",
	"method": api_paths[api][0],
	"path": api_paths[api][1],
	"query": "",
	"api": api,
	"content_type": "application/json",
	"body_bytes": 120,
	"time_ms": 1767225600000,
}

llm_for(model) := {
	"model": model,
	"stream": false,
	"max_tokens": null,
	"message_count": 1,
	"tool_count": 0,
}

input_for(api, principal, model) := {
	"version": "gateway.input/v1",
	"request": request_for(api),
	"principal": principal,
	"llm": llm_for(model),
	"pii": no_pii,
}

no_pii := {"findings": [], "non_text_parts": 0}

# A finding as the processor reports it: one entry per type, never the value.
finding(type, n) := {
	"type": type,
	"count": n,
	"locations": [{"message_index": 0, "role": "user", "field": "content"}],
}

# A chat request whose messages hold the given types (sorted by type, like the processor sends them).
chat_with_pii(principal, model, types) := object.union(chat(principal, model), {"pii": {
	"findings": [finding(t, 1) | some t in sort(types)],
	"non_text_parts": 0,
}})

chat(principal, model) := input_for("openai.chat_completions", principal, model)

deny_codes_of(d) := [r.code | some r in d.reasons]
