package io.keyway.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.serde.annotation.Serdeable;

/** The OpenAI error shape, {@code {"error":{"message","type","param","code"}}}, which every failure answers with. */
@Serdeable
public record OpenAiError(Detail error) {
    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record Detail(String message, String type, @Nullable String param, String code,
                  @Nullable @JsonInclude(JsonInclude.Include.NON_NULL) String provider) {
        Detail(String message, String type, String param, String code) {
            this(message, type, param, code, null);
        }
    }

    public static final String INVALID_REQUEST = "invalid_request_error";
    public static final String AUTHENTICATION = "authentication_error";
    public static final String PERMISSION = "permission_error";
    public static final String NOT_FOUND = "not_found_error";
    public static final String UPSTREAM = "upstream_error";
    public static final String SERVER = "server_error";
    public static final String RATE_LIMIT = "rate_limit_error";

    public static MutableHttpResponse<OpenAiError> response(int status, String type, String code, String param, String message) {
        return response(status, type, code, param, message, null);
    }

    /** An error about an upstream, naming it as {@code provider}. */
    public static MutableHttpResponse<OpenAiError> response(int status, String type, String code, String param, String message, String provider) {
        return HttpResponse.<OpenAiError>status(status, null)
                .contentType(MediaType.APPLICATION_JSON_TYPE)
                .body(new OpenAiError(new Detail(message, type, param, code, provider)));
    }

    static MutableHttpResponse<OpenAiError> invalidRequest(String message, String param) {
        return response(400, INVALID_REQUEST, "invalid_request", param, message);
    }
}
