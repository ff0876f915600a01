package io.keyway.application;

/**
 * A client's request body, already read and checked as JSON by the HTTP adapter. The use case learns the model and
 * whether a stream is wanted, and asks for the same bytes with only the model changed.
 */
public interface CompletionBody {
    String model();

    boolean stream();

    /**
     * The models to try after {@link #model()}, in order, from the body's {@code fallbacks} field (LiteLLM's name for
     * it); empty when it has none.
     */
    default java.util.List<String> fallbacks() {
        return java.util.List.of();
    }

    /** The body, byte for byte, except that the model is {@code upstreamModel} and Keyway's own fields are gone. */
    byte[] withModel(String upstreamModel);
}
