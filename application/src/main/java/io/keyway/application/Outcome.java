package io.keyway.application;

import java.util.function.Function;

/** The result of a use case: done with a value, or refused for an expected reason. */
public sealed interface Outcome<T> {
    record Done<T>(T value) implements Outcome<T> {
    }

    record Refused<T>(Refusal refusal) implements Outcome<T> {
    }

    static <T> Outcome<T> done(T value) {
        return new Done<>(value);
    }

    static <T> Outcome<T> refused(Refusal refusal) {
        return new Refused<>(refusal);
    }

    /** The one way out of an outcome: {@code onDone} for a value, {@code onRefused} for a refusal. */
    default <R> R fold(Function<? super T, ? extends R> onDone, Function<? super Refusal, ? extends R> onRefused) {
        if (this instanceof Done<T> done) {
            return onDone.apply(done.value());
        }
        return onRefused.apply(((Refused<T>) this).refusal());
    }

    default <R> Outcome<R> then(Function<? super T, Outcome<R>> next) {
        return fold(next, Outcome::refused);
    }
}
