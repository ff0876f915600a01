package io.keyway.http;

import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.info.License;
import io.swagger.v3.oas.annotations.security.SecurityScheme;
import io.swagger.v3.oas.annotations.tags.Tag;

/**
 * The OpenAPI document's header, its three kinds of credential and the examples the routes' annotations share. The
 * build (micronaut-openapi's annotation processor) writes {@code META-INF/swagger/keyway.yml} from these and the
 * controllers' own annotations; {@link OpenApiController} serves it at {@code /openapi.yml} and a Swagger UI at
 * {@code /openapi}. The examples are made-up values in the real formats: no example is a working key.
 */
@OpenAPIDefinition(
        info = @Info(title = "Keyway", version = "0.1.0",
                description = "An OpenAI-compatible LLM gateway whose operator cannot read its users' provider keys. "
                        + "Any OpenAI SDK works with base URL `<host>/v1` and a gateway key. A model named `openrouter-<id>` "
                        + "goes to OpenRouter with the key's own OpenRouter key; other models go to the operator's upstreams. "
                        + "Every failure answers `{\"error\":{\"message\",\"type\",\"param\",\"code\"}}`; every answer carries "
                        + "`x-request-id`. Liveness is `GET /health`, readiness `GET /health/readiness`, metrics `GET /prometheus`.",
                license = @License(name = "Apache-2.0")),
        tags = {
                @Tag(name = "OpenAI", description = "The OpenAI API, routed by model, with a gateway key."),
                @Tag(name = "Gateway key", description = "A gateway key's holder sees and changes its own key."),
                @Tag(name = "Keys", description = "An account manages its gateway keys with a management key."),
                @Tag(name = "Admin", description = "The operator's API, with KEYWAY_ADMIN_TOKEN."),
                @Tag(name = "Console", description = "The browser console for an account's keys.")
        })
@SecurityScheme(name = ApiDocs.GATEWAY_KEY, type = SecuritySchemeType.HTTP, scheme = "bearer", bearerFormat = "kw-…",
        description = "A gateway key (`kw-…`), shown once when it is created or rotated.")
@SecurityScheme(name = ApiDocs.MANAGEMENT_KEY, type = SecuritySchemeType.HTTP, scheme = "bearer", bearerFormat = "kwm-…",
        description = "An account's management key (`kwm-…`), shown once when the account or the key is created.")
@SecurityScheme(name = ApiDocs.ADMIN_TOKEN, type = SecuritySchemeType.HTTP, scheme = "bearer",
        description = "The operator's KEYWAY_ADMIN_TOKEN (at least 32 characters); unset, the admin API answers 403.")
final class ApiDocs {
    static final String GATEWAY_KEY = "gatewayKey";
    static final String MANAGEMENT_KEY = "managementKey";
    static final String ADMIN_TOKEN = "adminToken";

    /** The answers many routes share, defined once in src/main/openapi/responses.yml. */
    static final String UNAUTHENTICATED_ANSWER = "#/components/responses/Unauthenticated";
    static final String WRONG_KIND_ANSWER = "#/components/responses/WrongKeyKind";
    static final String TOO_MANY_FAILURES_ANSWER = "#/components/responses/TooManyFailedAuthentications";
    static final String KEY_STORE_UNAVAILABLE_ANSWER = "#/components/responses/KeyStoreUnavailable";
    static final String DATABASE_UNAVAILABLE_ANSWER = "#/components/responses/DatabaseUnavailable";
    static final String ADMIN_UNAUTHENTICATED_ANSWER = "#/components/responses/AdminUnauthenticated";
    static final String ADMIN_DISABLED_ANSWER = "#/components/responses/AdminDisabled";
    static final String NOT_A_COMPLETION_ANSWER = "#/components/responses/NotACompletionRequest";
    static final String PROVIDER_KEY_MISSING_ANSWER = "#/components/responses/ProviderKeyMissing";
    static final String MODEL_NOT_FOUND_ANSWER = "#/components/responses/ModelNotFound";
    static final String TOO_LARGE_ANSWER = "#/components/responses/TooLarge";
    static final String OVER_A_LIMIT_ANSWER = "#/components/responses/OverALimit";
    static final String UPSTREAM_FAILED_ANSWER = "#/components/responses/UpstreamFailed";
    static final String UPSTREAM_TIMEOUT_ANSWER = "#/components/responses/UpstreamTimeout";

    /** What every routed OpenAI endpoint answers and takes. */
    static final String ROUTED_ANSWER = "The answering upstream's answer, relayed byte for byte; with stream true, server-sent events as they "
            + "arrive. Headers x-keyway-upstream (the deployment that answered) and x-keyway-attempts (how many upstream attempts it took): "
            + "nothing reaches the client before an upstream's first byte (a stream's first data event), so a failover is an ordinary answer. "
            + "503 upstreams_cooling_down with Retry-After when every deployment of the model and of its fallbacks is cooling down.";
    static final String ROUTED_REQUEST = "The OpenAI request. Keyway reads model, stream and fallbacks: a model <provider>- goes to that provider "
            + "with the prefix removed and your own key; a model group to one of its deployments; fallbacks (up to 3 model names, LiteLLM's "
            + "field) are tried in order when the model's upstreams fail before answering (or refuse your key, 401-404), each with your "
            + "own key for its provider, and the field is removed before the body goes upstream.";

    static final String JSON = "application/json";
    static final String SSE = "text/event-stream";

    static final String CHAT_REQUEST = """
            {"model":"openrouter-meta-llama/llama-3.1-405b-instruct","messages":[{"role":"user","content":"Say hi"}],"stream":false,\
            "fallbacks":["anthropic-claude-sonnet-4-5"]}""";
    static final String CHAT_ANSWER = """
            {"id":"gen-1","object":"chat.completion","created":1764190000,"model":"meta-llama/llama-3.1-405b-instruct",\
            "choices":[{"index":0,"message":{"role":"assistant","content":"Hi!"},"finish_reason":"stop"}],\
            "usage":{"prompt_tokens":9,"completion_tokens":2,"total_tokens":11,"cost":0.000033}}""";
    static final String CHAT_STREAM = """
            data: {"id":"gen-1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"Hi"}}]}

            data: [DONE]

            """;
    static final String COMPLETION_REQUEST = """
            {"model":"openrouter-meta-llama/llama-3.1-8b-instruct","prompt":"Once upon a time","max_tokens":16}""";
    static final String COMPLETION_ANSWER = """
            {"id":"gen-2","object":"text_completion","created":1764190000,"model":"meta-llama/llama-3.1-8b-instruct",\
            "choices":[{"index":0,"text":" there was a gateway.","finish_reason":"stop"}]}""";
    static final String EMBEDDING_REQUEST = """
            {"model":"embed-small","input":"The quick brown fox"}""";
    static final String EMBEDDING_ANSWER = """
            {"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.0123,-0.0456]}],"model":"embed-small",\
            "usage":{"prompt_tokens":4,"total_tokens":4}}""";
    static final String RESPONSES_REQUEST = """
            {"model":"openrouter-openai/gpt-4o-mini","input":"Say hi"}""";
    static final String RESPONSES_ANSWER = """
            {"id":"resp_1","object":"response","status":"completed","output":[{"type":"message","role":"assistant",\
            "content":[{"type":"output_text","text":"Hi!"}]}],"usage":{"input_tokens":9,"output_tokens":2,"total_tokens":11}}""";

    static final String MODEL = """
            {"id":"openrouter-meta-llama/llama-3.1-405b-instruct","object":"model","created":1721692800,"owned_by":"openrouter",\
            "name":"Meta: Llama 3.1 405B Instruct","context_length":131072,\
            "pricing":{"prompt":"0.0000008","completion":"0.0000008"},"architecture":{"modality":"text->text"},\
            "top_provider":{"context_length":131072,"is_moderated":false},"supported_parameters":["max_tokens","temperature","tools"]}""";
    static final String MODEL_LIST = """
            {"object":"list","data":[{"id":"gpt-4o-mini","object":"model","created":0,"owned_by":"azure"},\
            {"id":"openrouter-meta-llama/llama-3.1-405b-instruct","object":"model","created":1721692800,"owned_by":"openrouter",\
            "context_length":131072,"pricing":{"prompt":"0.0000008","completion":"0.0000008"}}]}""";

    static final String KEY_CREATE_REQUEST = """
            {"name":"laptop","provider_keys":{"openrouter":"sk-or-v1-0000000000000000000000000000000000000000000000000000000000000000"},\
            "expires_at":1795726000,"limits":{"requests_per_minute":60}}""";
    static final String KEY_CREATED = """
            {"id":"5a1dd2c4e0f14a5b","object":"gateway_key","name":"laptop","key":"kw-5a1dd2c4e0f14a5b_…",\
            "created_at":1764190000,"expires_at":1795726000,"provider_keys":{"openrouter":{"hint":"sk-or-…0000","updated_at":1764190000}}}""";
    static final String KEY = """
            {"id":"5a1dd2c4e0f14a5b","object":"gateway_key","name":"laptop","created_at":1764190000,"expires_at":null,\
            "provider_keys":{"openrouter":{"hint":"sk-or-…0000","updated_at":1764190000,"sent_to":"openrouter.ai"}}}""";
    static final String KEY_LIST = """
            {"object":"list","data":[{"id":"5a1dd2c4e0f14a5b","object":"gateway_key","name":"laptop","created_at":1764190000,\
            "expires_at":null,"provider_keys":{}}]}""";
    static final String KEY_LIMITED = """
            {"id":"5a1dd2c4e0f14a5b","object":"gateway_key","name":"laptop","created_at":1764190000,"expires_at":null,\
            "provider_keys":{},"limits":{"requests_per_minute":60,"tokens_per_day":200000,"cost_per_month":null}}""";
    static final String LIMITS_REQUEST = """
            {"limits":{"requests_per_minute":60,"tokens_per_day":200000,"cost_per_month":null}}""";
    static final String BAD_LIMIT = """
            {"error":{"message":"'limits.requests_per_minute' must be a whole number of 1 or more, or null for no limit.",\
            "type":"invalid_request_error","param":"limits.requests_per_minute","code":"invalid_request"}}""";
    static final String RATE_LIMITED = """
            {"error":{"message":"This gateway key is limited to 60 requests a minute; try again in 12 s.","type":"rate_limit_error",\
            "param":null,"code":"rate_limit_exceeded"}}""";
    static final String ROTATE_REQUEST = """
            {"grace_seconds":300}""";
    static final String PROVIDER_KEY_REQUEST = """
            {"api_key":"sk-or-v1-0000000000000000000000000000000000000000000000000000000000000000"}""";
    static final String MANAGEMENT_KEY_CREATED = """
            {"id":"0f3b9a7c2d1e4f50","object":"management_key","account_id":"8f14e45f-ceea-467f-a8ad-0e2f9a0c1b2d",\
            "key":"kwm-0f3b9a7c2d1e4f50_…","created_at":1764190000}""";
    static final String ACCOUNT_REQUEST = """
            {"name":"Acme research"}""";
    static final String ACCOUNT_CREATED = """
            {"id":"8f14e45f-ceea-467f-a8ad-0e2f9a0c1b2d","name":"Acme research","management_key":"kwm-0f3b9a7c2d1e4f50_…",\
            "created_at":1764190000}""";
    static final String ACCOUNT = """
            {"id":"8f14e45f-ceea-467f-a8ad-0e2f9a0c1b2d","object":"account","name":"Acme research","created_at":1764190000,\
            "management_keys":[{"id":"0f3b9a7c2d1e4f50","object":"management_key","account_id":"8f14e45f-ceea-467f-a8ad-0e2f9a0c1b2d",\
            "created_at":1764190000}],"gateway_keys":2}""";
    static final String ROUTING = """
            {"object":"list","scope":"instance","data":[{"model":"gpt-4o","strategy":"weighted","aliases":["gpt4"],"fallbacks":["llama-3.1-70b"],\
            "deployments":[{"name":"azure-east","upstream":"azure-east","model":"gpt-4o-2024-08-06","weight":3,"priority":0,"state":"cooling",\
            "cooling_until":1764190065,"in_flight":0,"failures_in_a_row":3,"calls_60s":41,"failures_60s":3,"first_byte_ms":412.5},\
            {"name":"azure-west","upstream":"azure-west","model":"gpt-4o-2024-08-06","weight":1,"priority":0,"state":"ready",\
            "cooling_until":null,"in_flight":2,"failures_in_a_row":0,"calls_60s":57,"failures_60s":0,"first_byte_ms":388.0}]}]}""";

    static final String ACCOUNT_LIST = """
            {"object":"list","data":[{"id":"8f14e45f-ceea-467f-a8ad-0e2f9a0c1b2d","object":"account","name":"Acme research",\
            "created_at":1764190000}]}""";

    static final String AUDIT_PAGE = """
            {"object":"list","data":[{"object":"audit.event","id":42,"at":1764190000,"at_micros":1764190000123456,\
            "account_id":"7421b557-dd7d-4516-aa3f-ac4585ef4aa1","action":"gateway_key.rotated","key_id":"f28df74f9be65361",\
            "provider":null,"change":{"grace_until":1764190600},"actor":"gateway_key:f28df74f9be65361","client_address":"203.0.113.7",\
            "request_id":"req_5a02252c70f6de074a51e576","hash":"1f874756681be35df883520612167006c6c7510e89d4e0cf9823902c4afa45ef"}],\
            "head":"1f874756681be35df883520612167006c6c7510e89d4e0cf9823902c4afa45ef","next_cursor":null}""";
    static final String AUDIT_VERIFICATION = """
            {"object":"audit.verification","intact":true,"rows":42,"head":"1f874756681be35df883520612167006c6c7510e89d4e0cf9823902c4afa45ef",\
            "first_mismatch":null}""";
    static final String USAGE = """
            {"object":"usage","from":1761523200,"to":1764115200,"group_by":"day","data":[{"group":"2026-11-25","requests":42,\
            "prompt_tokens":5120,"completion_tokens":2210,"total_tokens":7330,"cost":0.0123,"estimated_requests":1},{"group":"2026-11-26",\
            "requests":7,"prompt_tokens":800,"completion_tokens":310,"total_tokens":1110,"cost":0.0019,"estimated_requests":0}],\
            "total":{"requests":49,"prompt_tokens":5920,"completion_tokens":2520,"total_tokens":8440,"cost":0.0142,"estimated_requests":1}}""";
    static final String USAGE_DESCRIPTION = "Recorded usage: requests, and the tokens and cost the upstreams reported in their usage "
            + "objects, summed per group; estimated_requests counts the streams the client left before their usage event, whose tokens "
            + "are Keyway's estimate (four bytes of request body a prompt token, a completion token per event passed on), with no cost. from and to are unix seconds or RFC 3339 (default: the last 30 days, to now); group_by is "
            + "day (UTC), model (as requested) or, for the whole account, key. Requests of the last few seconds may not be written yet.";

    static final String BAD_REQUEST = """
            {"error":{"message":"'name' must be a non-empty string.","type":"invalid_request_error","param":"name","code":"invalid_request"}}""";
    static final String UNAUTHENTICATED = """
            {"error":{"message":"Invalid or revoked API key.","type":"authentication_error","param":null,"code":"invalid_api_key"}}""";
    static final String NOT_FOUND = """
            {"error":{"message":"No such key.","type":"not_found_error","param":null,"code":"not_found"}}""";
    static final String CONFLICT = """
            {"error":{"message":"The key changed while it was being rotated; read it and try again.","type":"invalid_request_error",\
            "param":null,"code":"key_changed"}}""";

    private ApiDocs() {
    }
}
