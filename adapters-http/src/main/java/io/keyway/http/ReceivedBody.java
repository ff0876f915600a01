package io.keyway.http;

/**
 * A completion request's body as its controller receives it, handed over once. Micronaut keeps what it bound to a
 * controller's {@code @Body} argument for as long as the response runs (on the request and on its route match): for
 * a stream, minutes, and a prompt can be hundreds of kilobytes. This holder is what stays there, emptied when the
 * controller takes the bytes, so the routing alone decides how long they live.
 */
final class ReceivedBody {
    private byte[] bytes;

    ReceivedBody(byte[] bytes) {
        this.bytes = bytes;
    }

    /** The body's bytes the first time; null after that. Called on the request's thread. */
    byte[] take() {
        byte[] taken = bytes;
        bytes = null;
        return taken;
    }

    /** The bytes of {@code body}, or null for none (an empty body is bound as none). */
    static byte[] take(ReceivedBody body) {
        return body == null ? null : body.take();
    }
}
