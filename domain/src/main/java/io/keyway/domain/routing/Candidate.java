package io.keyway.domain.routing;

/**
 * One place a request may be sent, in the order the plan tries them.
 *
 * @param deployment      the deployment, with its target and health key
 * @param requested       the model name the client asked for that led here (the request's model or one of its fallbacks)
 * @param entry           which of the request's model names led here: 0 for {@code model}, 1.. for its {@code fallbacks}
 */
public record Candidate(Deployment deployment, String requested, int entry) {
}
