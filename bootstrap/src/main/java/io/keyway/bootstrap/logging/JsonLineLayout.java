package io.keyway.bootstrap.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import com.fasterxml.jackson.core.io.JsonStringEncoder;

import java.time.Instant;

/**
 * One JSON object per line ({@code KEYWAY_LOG_FORMAT=json}): {@code time}, {@code level}, {@code thread},
 * {@code logger}, {@code message} and, when there is one, {@code error}. The message and the stack trace go through
 * {@link LogText#redact} as in the text format; JSON's own escaping (Jackson's) keeps control characters from
 * breaking the line.
 */
public final class JsonLineLayout extends LayoutBase<ILoggingEvent> {
    private static final JsonStringEncoder JSON = JsonStringEncoder.getInstance();

    @Override
    public String doLayout(ILoggingEvent event) {
        StringBuilder line = new StringBuilder(256).append('{');
        field(line, "time", Instant.ofEpochMilli(event.getTimeStamp()).toString()).append(',');
        field(line, "level", event.getLevel().toString()).append(',');
        field(line, "thread", event.getThreadName()).append(',');
        field(line, "logger", event.getLoggerName()).append(',');
        field(line, "message", LogText.redact(event.getFormattedMessage()));
        IThrowableProxy error = event.getThrowableProxy();
        if (error != null) {
            field(line.append(','), "error", LogText.redact(ThrowableProxyUtil.asString(error)));
        }
        return line.append('}').append(CoreConstants.LINE_SEPARATOR).toString();
    }

    private static StringBuilder field(StringBuilder line, String name, String value) {
        line.append('"').append(name).append("\":\"");
        JSON.quoteAsString(value == null ? "" : value, line);
        return line.append('"');
    }
}
