package io.keyway.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

import java.nio.charset.StandardCharsets;

/**
 * The answers {@link BodyGuard} writes itself, in Netty's terms, ahead of Micronaut (so no filter adds to them): the
 * OpenAI error shape, a fresh request id, {@code Connection: close}, and {@code Retry-After} on a 503.
 */
final class GuardAnswers {
    private GuardAnswers() {
    }

    static FullHttpResponse closing(int status, String type, String code, String message) {
        String json = "{\"error\":{\"message\":" + JsonText.quote(message) + ",\"type\":\"" + type + "\",\"param\":null,\"code\":\"" + code + "\"}}";
        ByteBuf body = Unpooled.copiedBuffer(json, StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status), body);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .set(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes())
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
                .set(RequestIds.HEADER, RequestIds.fresh());
        if (status == 503) {
            response.headers().set(HttpHeaderNames.RETRY_AFTER, "1");
        }
        return response;
    }
}
