package io.keyway.application;

/** Refusals shared by the gateway-key use cases. */
final class GatewayKeys {
    private GatewayKeys() {
    }

    static Refusal notFound(String id) {
        String shown = id != null && id.length() <= 64 ? id.replaceAll("[^0-9A-Za-z_-]", "?") : "(invalid)";
        return new Refusal.NotFound("No gateway key '" + shown + "' in this account.");
    }
}
