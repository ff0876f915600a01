package io.keyway.http;

import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.micronaut.http.server.netty.NettyServerCustomizer;
import io.netty.handler.flush.FlushConsolidationHandler;
import jakarta.inject.Singleton;

import java.util.EnumSet;

/**
 * One write to the client per turn of the event loop, not one per piece of a relayed answer. Micronaut flushes a
 * response's parts at once when they come from elsewhere than the client connection's own read, which is how a relayed
 * answer comes: from the upstream connection. A relayed stream whose upstream sent its last events and its end in one
 * read went out as two writes (the events, then the chunked body's end on its own), each waking the client. Netty's
 * {@link FlushConsolidationHandler}, first in each client connection's pipeline, holds such flushes until the loop has
 * handled what it read in this turn (a task run right after), and still flushes at once at the end of the connection's
 * own reads, before a close, when the connection stops being writable, and after 256 held flushes.
 * <p>
 * {@code keyway.server.consolidate-flushes} ({@code KEYWAY_SERVER_CONSOLIDATE_FLUSHES}, on unless set to false) turns
 * it off, so that a benchmark can run the same build both ways.
 */
@Singleton
final class FlushConsolidation implements BeanCreatedEventListener<NettyServerCustomizer.Registry> {
    static final String HANDLER = "keyway-flush-consolidation";

    private final boolean enabled;

    FlushConsolidation(@Value("${keyway.server.consolidate-flushes:true}") boolean enabled) {
        this.enabled = enabled;
    }

    @Override
    public NettyServerCustomizer.Registry onCreated(BeanCreatedEvent<NettyServerCustomizer.Registry> event) {
        NettyServerCustomizer.Registry registry = event.getBean();
        if (enabled) {
            ServerChannelHooks.register(registry, EnumSet.of(NettyServerCustomizer.ChannelRole.CONNECTION),
                    channel -> {
                        if (channel.pipeline().get(HANDLER) == null) {
                            channel.pipeline().addFirst(HANDLER, new FlushConsolidationHandler(
                                    FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true));
                        }
                    }, channel -> { });
        }
        return registry;
    }
}
