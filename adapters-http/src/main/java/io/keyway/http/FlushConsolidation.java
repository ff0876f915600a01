package io.keyway.http;

import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.micronaut.http.server.netty.NettyServerCustomizer;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.concurrent.FastThreadLocal;
import jakarta.inject.Singleton;

import java.util.EnumSet;

/**
 * One write to the client for what a relayed answer's upstream sent in one read, not one per part. Micronaut flushes a
 * response's parts at once when they come from elsewhere than the client connection's own read, which is how a relayed
 * answer comes: from the upstream connection. A relayed stream whose upstream sent its last events and its end in one
 * read went out as two writes (the events, then the chunked body's end on its own), each waking the client.
 * <p>
 * A {@link Consolidator} first in each client connection's pipeline holds such a flush until the next of these, on
 * the same event loop: another connection flushes, any client connection's read begins, or the loop has handled this
 * turn's reads (a task run right after them). So at most one connection holds a flush at a time, and a flush waits at
 * most for the rest of the upstream read that caused it, where the parts that read brought are written: an upstream's
 * next read, for another stream, releases it as its own first part is flushed. Netty's {@code FlushConsolidationHandler}
 * holds every flush to the end of the turn, behind every other read of that turn, a burst of new requests included:
 * it raised the first event's median at 2,000 streams in every paired run (BENCHMARKS.md). A flush made while the
 * connection's own read is under way goes out when that read completes; Micronaut's own flush at the end of such a
 * read (an answer made on the spot, a 401 say) reaches this handler after it has seen the read complete, and is held
 * like any other. A close, a connection that stops being writable and the handler's removal flush at once.
 * <p>
 * {@code keyway.server.consolidate-flushes} ({@code KEYWAY_SERVER_CONSOLIDATE_FLUSHES}, on unless set to false) turns
 * it off, so that a benchmark can run the same build both ways.
 */
@Singleton
final class FlushConsolidation implements BeanCreatedEventListener<NettyServerCustomizer.Registry> {
    static final String HANDLER = "keyway-flush-consolidation";

    /** Each event loop's connection holding a flush. */
    private static final FastThreadLocal<Held> HELD = new FastThreadLocal<>() {
        @Override
        protected Held initialValue() {
            return new Held();
        }
    };

    private final boolean enabled;

    FlushConsolidation(@Value("${keyway.server.consolidate-flushes:true}") boolean enabled) {
        this.enabled = enabled;
    }

    @Override
    public NettyServerCustomizer.Registry onCreated(BeanCreatedEvent<NettyServerCustomizer.Registry> event) {
        return install(event.getBean());
    }

    /** Registers the hook that puts a {@link Consolidator} first in each connection's pipeline (unless turned off). */
    NettyServerCustomizer.Registry install(NettyServerCustomizer.Registry registry) {
        if (enabled) {
            ServerChannelHooks.register(registry, EnumSet.of(NettyServerCustomizer.ChannelRole.CONNECTION),
                    channel -> {
                        if (channel.pipeline().get(HANDLER) == null) {
                            channel.pipeline().addFirst(HANDLER, new Consolidator());
                        }
                    }, channel -> { });
        }
        return registry;
    }

    /** The connection of one event loop that holds a flush, if any; touched only on that loop. */
    private static final class Held implements Runnable {
        private Consolidator holding;
        private boolean releaseScheduled;

        /** {@code consolidator} now holds its flush; the one that held before lets its own go first. */
        void hold(Consolidator consolidator, ChannelHandlerContext ctx) {
            if (holding != consolidator) {
                release();
                holding = consolidator;
            }
            if (!releaseScheduled) {
                releaseScheduled = true;
                ctx.channel().eventLoop().execute(this);
            }
        }

        void release() {
            Consolidator held = holding;
            if (held != null) {
                holding = null;
                held.flushHeld();
            }
        }

        /** The task run once the loop has handled its turn's reads. */
        @Override
        public void run() {
            releaseScheduled = false;
            release();
        }
    }

    /** One client connection's flushes; every method runs on its event loop. */
    static final class Consolidator extends ChannelDuplexHandler {
        private ChannelHandlerContext ctx;
        private boolean reading;
        /** A flush waits for this connection's read to complete. */
        private boolean heldForRead;
        /** A flush waits as the loop's {@link Held} one. */
        private boolean heldForTurn;

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!reading) {
                reading = true;
                // What other connections hold goes out before this read's work, however long that takes.
                HELD.get().release();
            }
            ctx.fireChannelRead(msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            reading = false;
            if (heldForRead) {
                heldForRead = false;
                flushNow();
            }
            ctx.fireChannelReadComplete();
        }

        @Override
        public void flush(ChannelHandlerContext ctx) {
            if (reading) {
                heldForRead = true;
            } else if (!heldForRead) {
                heldForTurn = true;
                HELD.get().hold(this, ctx);
            }
        }

        /** Called by the loop's {@link Held} when it lets this connection's flush go. */
        void flushHeld() {
            if (heldForTurn) {
                flushNow();
            }
        }

        private void flushNow() {
            heldForTurn = false;
            heldForRead = false;
            ctx.flush();
        }

        private void flushIfHeld() {
            if (heldForTurn || heldForRead) {
                flushNow();
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (!ctx.channel().isWritable()) {
                flushIfHeld();
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            reading = false;
            flushIfHeld();
            ctx.fireExceptionCaught(cause);
        }

        @Override
        public void disconnect(ChannelHandlerContext ctx, ChannelPromise promise) {
            flushIfHeld();
            ctx.disconnect(promise);
        }

        @Override
        public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
            flushIfHeld();
            ctx.close(promise);
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            flushIfHeld();
        }
    }
}
