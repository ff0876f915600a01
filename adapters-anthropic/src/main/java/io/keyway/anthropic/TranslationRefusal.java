package io.keyway.anthropic;

/**
 * Signals, from deep inside a request's translation, a field Anthropic cannot carry; {@link RequestTranslation}
 * turns it into a {@link RequestTranslation.Refused} and it never leaves this package.
 */
final class TranslationRefusal extends RuntimeException {
    final String param;

    TranslationRefusal(String message, String param) {
        super(message, null, false, false);
        this.param = param;
    }
}
