package io.keyway.openai;

import io.micronaut.http.client.netty.DefaultHttpClientBuilder;
import io.micronaut.http.client.netty.NettyClientCustomizer;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;

import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Canary for why {@link UpstreamConnections} calls {@code DefaultHttpClient}'s 20-argument constructor: the builder
 * Micronaut added in pull request #11109 keeps its {@code clientCustomizer} setter package-private (4.10), so a client
 * with {@link InFlightConnections} in its pipeline cannot be built any other way. When this fails, build it with
 * {@code DefaultHttpClient.builder()...clientCustomizer(inFlight).build()} instead.
 */
class MicronautHidesTheCustomizerSetterCanaryTest {
    @Test
    void theBuildersCustomizerSetterIsNotPublic() throws NoSuchMethodException {
        Method setter = DefaultHttpClientBuilder.class.getDeclaredMethod("clientCustomizer", NettyClientCustomizer.class);

        assertFalse(Modifier.isPublic(setter.getModifiers()),
                "DefaultHttpClientBuilder.clientCustomizer is public now: UpstreamConnections can use the builder");
    }
}
