package io.keyway.http;

/** A request body that cannot be used; the message and field name are shown to the caller and never echo a value. */
final class BadRequest extends Exception {
    private final String param;

    BadRequest(String message, String param) {
        super(message, null, false, false);
        this.param = param;
    }

    String param() {
        return param;
    }
}
