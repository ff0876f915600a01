package io.keyway.bootstrap.logging;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.AsyncAppenderBase;
import ch.qos.logback.core.OutputStreamAppender;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * Standard output (or error) written in batches, behind logback's {@code AsyncAppender}.
 *
 * <p>Why: with one access line per request, the console appender made a {@code write} per line and the
 * {@code AsyncAppender}'s worker was woken for nearly every line (it blocks on an empty queue, and each line offered
 * then signals it). On the gateway's one core that was two context switches and a system call per request, about a
 * tenth of the core (issue #7's profiles). Here lines go into a 64 KiB buffer, which is written when the queue behind
 * it is empty; the worker then pauses for {@code pause} (10 ms) before it takes the next line, so lines logged meanwhile
 * are queued without waking it and written together. A line reaches the console at most about one pause after it was
 * logged. At stop the worker is interrupted, the pause no longer waits, and everything queued is written.
 *
 * <p>Used without an {@code AsyncAppender} ({@code pacedBy} unset), every line is written at once.
 */
public final class BatchingConsoleAppender extends OutputStreamAppender<ILoggingEvent> {
    private String target = "System.out";
    private String pacedBy;
    private Duration pause = Duration.ofMillis(10);
    private AsyncAppenderBase<ILoggingEvent> queue;

    /** {@code System.out} (the default) or {@code System.err}. */
    public void setTarget(String target) {
        this.target = target;
    }

    /** The name of the {@code AsyncAppender}, attached to the root logger, whose worker writes through this appender. */
    public void setPacedBy(String pacedBy) {
        this.pacedBy = pacedBy;
    }

    /** How long the worker waits, once its queue is empty, before it takes the next line; in milliseconds. */
    public void setPauseMillis(long millis) {
        this.pause = Duration.ofMillis(millis);
    }

    @Override
    public void start() {
        FileDescriptor descriptor = "System.err".equalsIgnoreCase(target) ? FileDescriptor.err : FileDescriptor.out;
        setOutputStream(new BufferedOutputStream(new FileOutputStream(descriptor), 64 * 1024));
        setImmediateFlush(false);
        super.start();
    }

    @Override
    protected void append(ILoggingEvent event) {
        super.append(event);
        AsyncAppenderBase<ILoggingEvent> async = queue();
        if (async == null) {
            flush();
            return;
        }
        if (async.getNumberOfElementsInQueue() == 0) {
            flush();
            if (async.isStarted()) {
                LockSupport.parkNanos(pause.toNanos());
            }
        }
    }

    private AsyncAppenderBase<ILoggingEvent> queue() {
        if (queue == null && pacedBy != null && getContext() instanceof LoggerContext loggers) {
            Appender<ILoggingEvent> found = loggers.getLogger(Logger.ROOT_LOGGER_NAME).getAppender(pacedBy);
            if (found instanceof AsyncAppenderBase<ILoggingEvent> async) {
                queue = async;
            }
        }
        return queue;
    }

    private void flush() {
        streamWriteLock.lock();
        try {
            OutputStream out = getOutputStream();
            if (out != null) {
                out.flush();
            }
        } catch (IOException ignored) {
            // The console is gone: nothing to tell, and nowhere to tell it.
        } finally {
            streamWriteLock.unlock();
        }
    }

    /** Writes what is buffered; the descriptor itself stays open, for whatever else writes to it. */
    @Override
    protected void closeOutputStream() {
        flush();
    }
}
