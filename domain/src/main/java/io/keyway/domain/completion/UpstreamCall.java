package io.keyway.domain.completion;

import io.keyway.domain.model.ProviderKey;

import java.util.Map;
import java.util.Optional;

/**
 * One request to send upstream.
 *
 * @param body       the client's JSON body with only the model rewritten
 * @param stream     whether the client asked for a server-sent event stream
 * @param credential the caller's own provider key, for user-key providers; empty for operator upstreams
 * @param requestId  the request's id, sent upstream as {@code X-Request-Id} and written in log lines
 * @param headers    client headers to pass on as they came (app attribution)
 */
public record UpstreamCall(Endpoint endpoint, byte[] body, boolean stream, Optional<ProviderKey> credential,
                           String requestId, Map<String, String> headers) {
    public UpstreamCall {
        headers = Map.copyOf(headers);
    }

    @Override
    public String toString() {
        return "UpstreamCall[" + endpoint + ", " + body.length + " bytes, stream=" + stream + ", request_id=" + requestId + "]";
    }
}
