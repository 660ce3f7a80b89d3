package gateway_test

import data.gateway

test_chat_completions_with_approved_model_is_allowed if {
	d := gateway.decision with input as chat(alice, "gpt-4o-mini")
	d.allow == true
	d.route == {"provider": "demo", "model": "gpt-4o-mini"}
}

test_completions_with_completions_model_is_allowed if {
	d := gateway.decision with input as input_for("openai.completions", bob, "gpt-3.5-turbo-instruct")
	d.allow == true
	d.route == {"provider": "demo", "model": "gpt-3.5-turbo-instruct"}
}

test_embeddings_with_embedding_model_is_allowed if {
	d := gateway.decision with input as input_for("openai.embeddings", bob, "text-embedding-3-small")
	d.allow == true
	d.route == {"provider": "demo", "model": "text-embedding-3-small"}
}

test_model_listing_answers_the_models_the_caller_may_use if {
	req := object.union(input_for("openai.models", bob, ""), {"llm": null})
	d := gateway.decision with input as req
	d.allow == true
	d.route == null
	ids := [m.id | some m in d.models]
	"gpt-4o-mini" in ids
	not "gpt-4o" in ids # research and platform only
	not "o1-preview" in ids # not approved
	ids == sort(ids)
	every m in d.models {
		object.keys(m) == {"id", "owned_by"}
	}
}

test_model_listing_differs_by_team if {
	req := object.union(input_for("openai.models", admin, ""), {"llm": null})
	d := gateway.decision with input as req
	"gpt-4.1" in [m.id | some m in d.models]
}

test_unknown_api_is_404_naming_method_and_path if {
	d := gateway.decision with input as input_for("unknown", admin, "gpt-4o-mini")
	d.allow == false
	d.status == 404
	d.reasons == [{"code": "unknown_api", "message": "POST /v1/responses is not an API the gateway serves"}]
	d.route == null
}

test_unknown_api_reports_no_model_reasons if {
	d := gateway.decision with input as input_for("unknown", bob, "no-such-model")
	deny_codes_of(d) == ["unknown_api"]
}

test_unknown_api_message_clips_a_long_path if {
	long_path := concat("", ["/", concat("", [x | some _ in numbers.range(1, 300); x := "a"])])
	req := object.union(input_for("unknown", alice, "gpt-4o-mini"), {"request": {"path": long_path}})
	d := gateway.decision with input as req
	msg := d.reasons[0].message
	count(msg) < 200
	contains(msg, "...")
}

test_api_names_are_matched_exactly if {
	every api in ["OpenAI.chat_completions", "openai.chat_completions ", ""] {
		req := object.union(chat(alice, "gpt-4o-mini"), {"request": {"api": api}})
		d := gateway.decision with input as req
		d.status == 404
	}
}

test_known_apis_are_exactly_the_served_ones if {
	gateway.known_apis == {
		"openai.chat_completions", "openai.completions", "openai.embeddings", "openai.models",
		"anthropic.messages", "gemini.generate_content", "gemini.stream_generate_content",
		"anthropic.models", "gemini.models",
	}
}

listing_ids(api, principal) := [m.id | some m in d.models] if {
	d := gateway.decision with input as object.union(input_for(api, principal, ""), {"llm": null})
	d.allow == true
}

test_a_native_sdk_listing_shows_only_the_models_its_front_reaches if {
	listing_ids("anthropic.models", bob) == ["claude-haiku-4-5"]
	listing_ids("gemini.models", bob) == ["gemini-2.5-flash"]
	"claude-haiku-4-5" in listing_ids("openai.models", bob)
	"gpt-4o-mini" in listing_ids("openai.models", bob)
}
