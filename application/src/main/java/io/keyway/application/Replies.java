package io.keyway.application;

import io.keyway.domain.completion.UpstreamReply;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Flow;

/** What {@link Attempts} reads off an upstream's reply, and how it gives up one it will not pass on. */
final class Replies {
    private Replies() {
    }

    /** The {@code Retry-After} of a 429 or 503, in seconds (an HTTP date is not read: it counts as absent). */
    static Optional<Duration> retryAfter(UpstreamReply reply) {
        if (!(reply instanceof UpstreamReply.Answered answered)) {
            return Optional.empty();
        }
        String value = answered.header("Retry-After");
        if (value == null) {
            return Optional.empty();
        }
        try {
            double seconds = Double.parseDouble(value.strip().toLowerCase(Locale.ROOT));
            return seconds >= 0 && seconds < 86_400 ? Optional.of(Duration.ofMillis((long) (seconds * 1000))) : Optional.empty();
        } catch (NumberFormatException notSeconds) {
            return Optional.empty();
        }
    }

    /** A reply nobody will read: its body is given up unread, which releases the upstream connection. */
    static void discard(UpstreamReply reply) {
        if (reply instanceof UpstreamReply.Answered answered) {
            answered.body().subscribe(new Flow.Subscriber<>() {
                @Override
                public void onSubscribe(Flow.Subscription subscription) {
                    subscription.cancel();
                }

                @Override
                public void onNext(byte[] item) {
                }

                @Override
                public void onError(Throwable throwable) {
                }

                @Override
                public void onComplete() {
                }
            });
        }
    }
}
