package io.keyway.http.relay;

import io.keyway.application.RecordUsage;
import io.keyway.http.GatewayMeters;
import io.micronaut.http.HttpRequest;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;

import java.time.Clock;

/**
 * The relay room's door: opens one {@link RelayedRequest} per routed request and holds what they share (the usage
 * recorder, the meters, the way answers are turned into responses).
 *
 * <p>What plugs in here next: a router that holds an answer until its first byte tries deployments in the
 * application, before {@link RelayedRequest#replied} (the relay only ever sees the committed reply); a provider with
 * its own wire format translates inside its adapter, so the bytes that arrive here are OpenAI's.
 */
@Singleton
public final class Relay {
    private final RecordUsage recordUsage;
    private final GatewayMeters meters;
    private final Answers answers;
    private final Clock clock;

    Relay(RecordUsage recordUsage, GatewayMeters meters, JsonMapper json, Clock clock) {
        this.clock = clock;
        this.recordUsage = recordUsage;
        this.meters = meters;
        this.answers = new Answers(new UpstreamErrors(json));
    }

    /**
     * A request about to be routed: its response future is watched for the client leaving first.
     *
     * @param startedNanos when the request arrived ({@link System#nanoTime()})
     */
    public RelayedRequest open(HttpRequest<?> request, String requestId, long startedNanos) {
        RelayedRequest relayed = new RelayedRequest(this, request, requestId, startedNanos);
        relayed.watchTheClient();
        return relayed;
    }

    RecordUsage recordUsage() {
        return recordUsage;
    }

    GatewayMeters meters() {
        return meters;
    }

    /** When a request was sent, for its usage record: the gateway's clock, which the limits read too. */
    Clock clock() {
        return clock;
    }

    Answers answers() {
        return answers;
    }
}
