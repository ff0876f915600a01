package io.keyway.http;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.ErrorResponseProcessor;
import jakarta.inject.Singleton;

/**
 * Errors that Micronaut itself answers (no such path, wrong method or content type, unreadable body, a bug) in the
 * OpenAI shape. Messages are fixed per status: a framework message may quote the request, and a request may hold a
 * secret; a 500 never carries a stack trace.
 */
@Singleton
@Replaces(ErrorResponseProcessor.class)
class OpenAiErrorResponses implements ErrorResponseProcessor<OpenAiError> {
    @Override
    public MutableHttpResponse<OpenAiError> processResponse(ErrorContext context, MutableHttpResponse<?> response) {
        int status = response.code();
        String path = context.getRequest().getMethodName() + " " + context.getRequest().getPath();
        String type;
        String code;
        String message;
        if (status == HttpStatus.NOT_FOUND.getCode()) {
            type = OpenAiError.INVALID_REQUEST;
            code = "unknown_url";
            message = "Unknown request URL: " + path + ".";
        } else if (status == HttpStatus.METHOD_NOT_ALLOWED.getCode()) {
            type = OpenAiError.INVALID_REQUEST;
            code = "method_not_allowed";
            message = "Method not allowed: " + path + ".";
        } else if (status == HttpStatus.UNSUPPORTED_MEDIA_TYPE.getCode()) {
            type = OpenAiError.INVALID_REQUEST;
            code = "unsupported_media_type";
            message = "Send the request body as application/json.";
        } else if (status == HttpStatus.REQUEST_ENTITY_TOO_LARGE.getCode()) {
            type = OpenAiError.INVALID_REQUEST;
            code = "request_too_large";
            message = "The request body is larger than this gateway accepts.";
        } else if (status < 500) {
            type = OpenAiError.INVALID_REQUEST;
            code = "invalid_request";
            message = "The request could not be read (" + status + ").";
        } else {
            type = OpenAiError.SERVER;
            code = "internal_error";
            message = "The gateway failed to handle this request. It has been logged.";
        }
        return response.contentType(MediaType.APPLICATION_JSON_TYPE)
                .body(new OpenAiError(new OpenAiError.Detail(message, type, null, code)));
    }
}
