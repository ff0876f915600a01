package io.keyway.persistence;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;

/** The key-record cache's hits and misses, and whether key-change notifications arrive (1) or the cache is bypassed (0). */
@Context
@Requires(beans = MeterRegistry.class)
final class KeyCacheMeters {
    KeyCacheMeters(KeyRecordCache cache, MeterRegistry registry) {
        FunctionCounter.builder("keyway.key.cache.hits", cache, KeyRecordCache::hits)
                .description("Gateway-key lookups answered from memory").register(registry);
        FunctionCounter.builder("keyway.key.cache.misses", cache, KeyRecordCache::misses)
                .description("Gateway-key lookups that went to the database").register(registry);
        FunctionCounter.builder("keyway.key.cache.stand.ins", cache, KeyRecordCache::standIns)
                .description("Gateway-key records served unconfirmed because the database could not be reached").register(registry);
        Gauge.builder("keyway.key.cache.trusted", cache, c -> c.trusted() ? 1 : 0)
                .description("1 while key-change notifications arrive; 0 while the cache is bypassed").register(registry);
    }
}
