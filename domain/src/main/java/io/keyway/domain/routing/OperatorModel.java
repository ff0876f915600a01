package io.keyway.domain.routing;

/** A model an operator upstream serves. */
public record OperatorModel(String id, String upstream) {
}
