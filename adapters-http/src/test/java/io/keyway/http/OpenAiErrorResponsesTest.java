package io.keyway.http;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class OpenAiErrorResponsesTest {
    private final OpenAiErrorResponses errors = new OpenAiErrorResponses();

    @Test
    void aGatewayBugAnswers500WithAFixedMessageAndNoStackTraceOrCause() {
        IllegalStateException bug = new IllegalStateException("kw-0123456789abcdef_secret-looking-detail");
        ErrorContext context = ErrorContext.builder(HttpRequest.POST("/v1/chat/completions", "")).cause(bug)
                .errorMessage(bug.getMessage()).build();

        MutableHttpResponse<OpenAiError> response = errors.processResponse(context, HttpResponse.serverError());

        OpenAiError.Detail detail = response.body().error();
        assertEquals(500, response.code());
        assertEquals("internal_error", detail.code());
        assertEquals("server_error", detail.type());
        assertFalse(detail.message().contains("secret-looking"));
        assertFalse(detail.message().contains("IllegalStateException"));
        assertFalse(detail.message().contains("at io."));
    }

    @Test
    void frameworkClientErrorsNeverEchoWhatTheRequestSent() {
        ErrorContext context = ErrorContext.builder(HttpRequest.POST("/v1/keys", "")).errorMessage("Unrecognized token 'sk-or-v1-echoed'").build();

        MutableHttpResponse<OpenAiError> response = errors.processResponse(context, HttpResponse.badRequest());

        assertEquals("invalid_request", response.body().error().code());
        assertFalse(response.body().error().message().contains("sk-or-v1"));
    }
}
