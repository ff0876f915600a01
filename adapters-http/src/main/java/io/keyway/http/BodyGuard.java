package io.keyway.http;

import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.micronaut.http.server.netty.NettyServerCustomizer;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.EnumSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * What request bodies may hold of this instance while they arrive, enforced in the Netty pipeline, in front of the
 * whole of Micronaut and so of every route, with or without a key: the bytes held by all bodies in flight are capped
 * ({@link BodySettings#getMaxInFlight()}; a body that would pass the cap answers 503 {@code overloaded} with
 * {@code Retry-After} before it is read, or is cut when it grows past what it declared), and a body that trickles is
 * cut with 408 {@code request_timeout}: slower on average than {@link BodySettings#getMinRate()} once
 * {@link BodySettings#getRateGrace()} has passed, or paused longer than {@link BodySettings#getIdleTimeout()}.
 *
 * <p>A body's bytes count from the moment they arrive until its request's answer starts, once the whole body is in
 * (by then the routing is done with it, and the completion controller has let the request's copies go, so a live
 * stream does not count its prompt for as long as it runs); an answer that starts while its body is still arriving
 * gives them back when it has been written; a connection that closes, at once. A declared {@code Content-Length} is
 * reserved whole when the headers arrive, so thirty slow 9 MB bodies cannot each be admitted while empty. An answer this guard
 * writes itself closes the connection: the rest of the body is never read, and nothing Micronaut writes afterwards
 * for that request reaches the client. An answer Micronaut completes while more than 64 KB of its body are still to
 * come (a refused key) closes the connection too ({@code Connection: close}), rather than reading the rest only to
 * drop it.
 */
@Singleton
final class BodyGuard implements BeanCreatedEventListener<NettyServerCustomizer.Registry> {
    private static final Logger LOG = LoggerFactory.getLogger(BodyGuard.class);
    /** Micronaut's handler that turns Netty's messages into requests (HttpPipelineBuilder, 4.10). */
    private static final String MICRONAUT_INBOUND = "micronaut-inbound-handler";
    private static final long CHECK_EVERY_MILLIS = 500;
    /** The unread rest of a body, past which an early answer closes the connection rather than read it to drop it. */
    private static final long DRAIN_AT_MOST = 64 * 1024;

    private final BodySettings settings;
    private final AtomicLong held = new AtomicLong();
    private final LongAdder overloaded = new LongAdder();
    private final LongAdder tooSlow = new LongAdder();

    BodyGuard(BodySettings settings) {
        this.settings = settings;
    }

    @Override
    public NettyServerCustomizer.Registry onCreated(BeanCreatedEvent<NettyServerCustomizer.Registry> event) {
        NettyServerCustomizer.Registry registry = event.getBean();
        ServerChannelHooks.register(registry,
                EnumSet.of(NettyServerCustomizer.ChannelRole.CONNECTION, NettyServerCustomizer.ChannelRole.REQUEST_STREAM),
                channel -> { }, channel -> {
                    if (channel.pipeline().get(MICRONAUT_INBOUND) != null && channel.pipeline().get(OnChannel.class) == null) {
                        channel.pipeline().addBefore(MICRONAUT_INBOUND, "keyway-body-guard", new OnChannel());
                    }
                });
        return registry;
    }

    /** Bytes held by request bodies in flight on this instance. */
    long held() {
        return held.get();
    }

    long refusedOverloaded() {
        return overloaded.sum();
    }

    long cutTooSlow() {
        return tooSlow.sum();
    }

    private boolean reserve(long bytes) {
        long cap = settings.getMaxInFlight();
        while (true) {
            long now = held.get();
            if (bytes > 0 && now + bytes > cap) {
                return false;
            }
            if (held.compareAndSet(now, now + bytes)) {
                return true;
            }
        }
    }

    /** One connection (or HTTP/2 stream): its current request's body, as it arrives. */
    private final class OnChannel extends ChannelDuplexHandler {
        private boolean arriving;
        /** The current request's declared length, or -1 (chunked). */
        private long declared;
        /** The answer under way closes the connection once written (its request's body is left unread). */
        private boolean closeAfterAnswer;
        private long reserved;
        private long received;
        private long startedAt;
        private long lastReadAt;
        /** This guard answered: everything after is dropped, both ways, until the connection closes. */
        private boolean answered;
        /** Micronaut began the current request's answer. */
        private boolean answering;
        private ScheduledFuture<?> check;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (answered) {
                ReferenceCountUtil.release(msg);
                return;
            }
            if (msg instanceof HttpRequest request) {
                answering = false;
                closeAfterAnswer = false;
                release();
                stopChecking();
                declared = HttpUtil.getContentLength(request, -1L);
                if (declared > 0 || declared < 0 && HttpUtil.isTransferEncodingChunked(request)) {
                    long wanted = Math.max(0, declared);
                    if (!reserve(wanted)) {
                        refuseOverloaded(ctx, msg);
                        return;
                    }
                    reserved = wanted;
                    received = 0;
                    arriving = true;
                    startedAt = System.nanoTime();
                    lastReadAt = startedAt;
                    // The pace is watched only for a body still arriving when this read ends (channelReadComplete):
                    // a body that came with its headers costs no timer.
                }
            }
            if (msg instanceof HttpContent content && arriving) {
                received += content.content().readableBytes();
                lastReadAt = System.nanoTime();
                if (received > reserved) {
                    // A chunked body (or one longer than it said, which the codec would refuse) grows its reservation.
                    long more = received - reserved;
                    if (!answering && !reserve(more)) {
                        refuseOverloaded(ctx, msg);
                        return;
                    }
                    if (!answering) {
                        reserved += more;
                    }
                }
                if (msg instanceof LastHttpContent) {
                    arriving = false;
                    stopChecking();
                }
            }
            ctx.fireChannelRead(msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (arriving && !answered && check == null) {
                check = ctx.executor().scheduleAtFixedRate(() -> checkPace(ctx), CHECK_EVERY_MILLIS, CHECK_EVERY_MILLIS, TimeUnit.MILLISECONDS);
            }
            ctx.fireChannelReadComplete();
        }

        private void checkPace(ChannelHandlerContext ctx) {
            if (!arriving || answered) {
                stopChecking();
                return;
            }
            long now = System.nanoTime();
            long elapsed = now - startedAt;
            boolean idle = now - lastReadAt > settings.getIdleTimeout().toNanos();
            boolean slow = elapsed > settings.getRateGrace().toNanos()
                    && received < settings.getMinRate() * (elapsed / 1_000_000_000.0);
            if (idle || slow) {
                tooSlow.increment();
                LOG.info("a request body was cut: {} bytes in {} ms ({}); the connection is closed", received,
                        elapsed / 1_000_000, idle ? "paused longer than keyway.bodies.idle-timeout" : "slower than keyway.bodies.min-rate");
                if (answering) {
                    answered = true;
                    release();
                    ctx.close();
                } else {
                    answer(ctx, 408, "invalid_request_error", "request_timeout",
                            "The request body arrived too slowly (at least " + settings.getMinRate() + " bytes a second after the first "
                                    + settings.getRateGrace().toSeconds() + " s, and no pause over " + settings.getIdleTimeout().toSeconds() + " s).");
                }
            }
        }

        /** Bodies in flight hold the cap: 503 with Retry-After, and the message (and the rest of its body) dropped. */
        private void refuseOverloaded(ChannelHandlerContext ctx, Object msg) {
            overloaded.increment();
            ReferenceCountUtil.release(msg);
            answer(ctx, 503, "server_error", "overloaded", "Keyway is receiving as many request bodies as it can hold; retry in a moment.");
        }

        /** Writes this guard's own answer and closes the connection after it. */
        private void answer(ChannelHandlerContext ctx, int status, String type, String code, String message) {
            answered = true;
            arriving = false;
            stopChecking();
            release();
            FullHttpResponse response = GuardAnswers.closing(status, type, code, message);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (answered) {
                // Micronaut answering a request this guard already answered: not a byte of it after ours.
                ReferenceCountUtil.release(msg);
                promise.setFailure(new java.nio.channels.ClosedChannelException());
                return;
            }
            if (msg instanceof HttpResponse response) {
                answering = true;
                if (!arriving) {
                    // The whole body is in and its answer starts: nothing holds the body any more.
                    release();
                }
                if (arriving && (declared < 0 || declared - received > DRAIN_AT_MOST)) {
                    // Answered before a large body arrived (a refused key, a body too large): the rest is not read.
                    // A small rest is read and dropped as before, so the connection stays open for the next request.
                    closeAfterAnswer = true;
                    response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                }
            }
            if (msg instanceof LastHttpContent) {
                // The answer is complete: the part of its body that arrived meanwhile is held no longer.
                release();
                if (closeAfterAnswer) {
                    // Reading and dropping the rest of a body nobody will use costs the event loop as much as
                    // reading it: the connection is closed once the answer is out instead.
                    answered = true;
                    arriving = false;
                    stopChecking();
                    // The rest of the body is read and dropped (answered drops every read) while the close lingers.
                    ctx.write(msg, promise.unvoid()).addListener(written -> LingeringClose.of(ctx));
                    return;
                }
            }
            ctx.write(msg, promise);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            stopChecking();
            release();
            arriving = false;
            super.channelInactive(ctx);
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            stopChecking();
            release();
        }

        private void release() {
            if (reserved > 0) {
                held.addAndGet(-reserved);
                reserved = 0;
            }
        }

        private void stopChecking() {
            if (check != null) {
                check.cancel(false);
                check = null;
            }
        }
    }
}
