package io.keyway.application;

/**
 * A client's request body, already read and checked as JSON by the HTTP adapter. The use case learns the model and
 * whether a stream is wanted, and asks for the same bytes with only the model changed.
 */
public interface CompletionBody {
    String model();

    boolean stream();

    /** The body, byte for byte, except that the model is {@code upstreamModel}. */
    byte[] withModel(String upstreamModel);
}
