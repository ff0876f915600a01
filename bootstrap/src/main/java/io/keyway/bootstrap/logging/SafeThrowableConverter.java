package io.keyway.bootstrap.logging;

import ch.qos.logback.classic.pattern.ExtendedThrowableProxyConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/** {@code %safeEx}: a stack trace with credentials redacted from its messages (its lines stay lines). */
public final class SafeThrowableConverter extends ExtendedThrowableProxyConverter {
    @Override
    public String convert(ILoggingEvent event) {
        return LogText.redact(super.convert(event));
    }
}
