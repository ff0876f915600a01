package io.keyway.bootstrap.logging;

import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/** {@code %safeMsg}: the formatted message through {@link LogText#line}. Every Keyway log pattern uses it. */
public final class SafeMessageConverter extends MessageConverter {
    @Override
    public String convert(ILoggingEvent event) {
        return LogText.line(super.convert(event));
    }
}
