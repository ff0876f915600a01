package io.keyway.http;

import io.micronaut.core.io.buffer.ByteBuffer;
import io.micronaut.core.io.buffer.ReferenceCounted;
import io.micronaut.core.type.Argument;
import io.micronaut.core.type.Headers;
import io.micronaut.http.MediaType;
import io.micronaut.http.body.TypedMessageBodyReader;
import io.micronaut.http.codec.CodecException;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.io.InputStream;

/**
 * Reads a request body of any content type into a {@link ReceivedBody}, as Micronaut's reader for {@code byte[]}
 * does: one copy, and the buffer it came in released at once.
 */
@Singleton
final class ReceivedBodyReader implements TypedMessageBodyReader<ReceivedBody> {
    private static final Argument<ReceivedBody> TYPE = Argument.of(ReceivedBody.class);

    @Override
    public Argument<ReceivedBody> getType() {
        return TYPE;
    }

    @Override
    public ReceivedBody read(Argument<ReceivedBody> type, MediaType mediaType, Headers httpHeaders, ByteBuffer<?> byteBuffer) {
        try {
            return new ReceivedBody(byteBuffer.toByteArray());
        } finally {
            if (byteBuffer instanceof ReferenceCounted counted) {
                counted.release();
            }
        }
    }

    @Override
    public ReceivedBody read(Argument<ReceivedBody> type, MediaType mediaType, Headers httpHeaders, InputStream inputStream) {
        try {
            return new ReceivedBody(inputStream.readAllBytes());
        } catch (IOException unreadable) {
            throw new CodecException("The request body could not be read", unreadable);
        }
    }
}
