package io.keyway.anthropic;

import io.keyway.domain.completion.Endpoint;
import io.keyway.domain.completion.KeyCheck;
import io.keyway.domain.completion.ModelDescriptor;
import io.keyway.domain.completion.UpstreamCall;
import io.keyway.domain.completion.UpstreamReply;
import io.keyway.domain.model.ProviderKey;
import io.keyway.domain.port.CompletionProvider;
import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import org.reactivestreams.FlowAdapters;
import reactor.core.publisher.Flux;
import reactor.core.publisher.SynchronousSink;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Anthropic's Messages API as a {@link CompletionProvider} that speaks OpenAI to the rest of Keyway. Each chat
 * completion request is translated into a Messages request ({@link RequestTranslation}) and sent through
 * {@code transport}, the HTTP client bootstrap configures for Anthropic ({@code x-api-key}, {@code anthropic-version},
 * the {@code messages} path): its timeouts, retries and cancellation are the transport's. Each answer comes back as
 * OpenAI bytes: a message as a chat completion, a stream as chunks ({@link StreamTranslation}), an error in OpenAI's
 * error shape with Anthropic's status and message (its {@code retry-after} kept). A request Anthropic cannot serve as
 * asked is answered 400 here, naming the field, and never sent.
 */
public final class AnthropicProvider implements CompletionProvider {
    /** The Messages API version Keyway's translation is written for. */
    public static final String VERSION = "2023-06-01";
    /** The header Anthropic takes its key in (never {@code Authorization}). */
    public static final String CREDENTIAL_HEADER = "x-api-key";
    /** The headers every request to Anthropic carries. */
    public static final Map<String, String> FIXED_HEADERS = Map.of("anthropic-version", VERSION);
    /** Where chats go under the base URL ({@code https://api.anthropic.com/v1}). */
    public static final String MESSAGES_PATH = "messages";
    /** Headers of the transport's answer that describe bytes this adapter rewrites. */
    private static final Set<String> REWRITTEN = Set.of("content-length", "content-type", "content-encoding", "transfer-encoding");

    private final CompletionProvider transport;
    private final JsonMapper json;
    private final RequestTranslation requests;
    private final Clock clock;

    /**
     * @param transport        sends translated requests to Anthropic and returns its bytes
     * @param defaultMaxTokens {@code max_tokens} for requests without one (Anthropic requires it)
     */
    public AnthropicProvider(CompletionProvider transport, JsonMapper json, int defaultMaxTokens) {
        this(transport, json, defaultMaxTokens, Clock.systemUTC());
    }

    AnthropicProvider(CompletionProvider transport, JsonMapper json, int defaultMaxTokens, Clock clock) {
        this.transport = transport;
        this.json = json;
        this.requests = new RequestTranslation(defaultMaxTokens);
        this.clock = clock;
    }

    @Override
    public String name() {
        return transport.name();
    }

    @Override
    public String host() {
        return transport.host();
    }

    @Override
    public CompletionStage<UpstreamReply> send(UpstreamCall call) {
        if (call.endpoint() != Endpoint.CHAT_COMPLETIONS) {
            return refused("The provider '" + name() + "' does not offer /v1/" + call.endpoint().path()
                    + " through Keyway; anthropic- models answer /v1/chat/completions only.", null, "unsupported_endpoint");
        }
        Map<String, Object> request;
        try {
            request = json.readValue(call.body(), Argument.mapOf(String.class, Object.class));
        } catch (IOException | RuntimeException notJson) {
            return refused("The request body is not a JSON object.", null, "invalid_request");
        }
        RequestTranslation.Result result = requests.translate(request, this::parse);
        if (result instanceof RequestTranslation.Refused refused) {
            return refused(refused.message(), refused.param(), "unsupported_parameter");
        }
        RequestTranslation.Translated translated = (RequestTranslation.Translated) result;
        UpstreamCall outbound = new UpstreamCall(call.endpoint(), write(translated.body()).getBytes(StandardCharsets.UTF_8),
                call.stream(), call.credential(), call.requestId(), call.headers());
        return transport.send(outbound).thenApply(reply -> reply instanceof UpstreamReply.Answered answered
                ? translated(answered, translated.includeUsage()) : reply);
    }

    private UpstreamReply translated(UpstreamReply.Answered answered, boolean includeUsage) {
        Flux<byte[]> body = Flux.from(FlowAdapters.toPublisher(answered.body()));
        long created = clock.instant().getEpochSecond();
        if (answered.eventStream() && answered.status() < 400) {
            StreamTranslation stream = new StreamTranslation(includeUsage, created, this::parseBytes, this::write);
            Flux<byte[]> events = body
                    .<byte[]>handle((chunk, sink) -> emit(sink, stream.accept(chunk)))
                    .concatWith(Flux.defer(() -> {
                        stream.finish();
                        return Flux.empty();
                    }));
            return new UpstreamReply.Answered(answered.status(), headers(answered.headers(), "text/event-stream; charset=utf-8"),
                    true, publisher(events));
        }
        int status = answered.status();
        Flux<byte[]> whole = collect(body).map(bytes -> {
            Object parsed = parseQuietly(bytes);
            Map<String, Object> openAi = status >= 400 || !(parsed instanceof Map<?, ?> message) || !"message".equals(message.get("type"))
                    ? AnswerTranslation.error(parsed, status)
                    : AnswerTranslation.completion(message, created, this::write);
            return write(openAi).getBytes(StandardCharsets.UTF_8);
        }).flux();
        return new UpstreamReply.Answered(status, headers(answered.headers(), "application/json"), false, publisher(whole));
    }

    private static void emit(SynchronousSink<byte[]> sink, byte[] bytes) {
        if (bytes.length > 0) {
            sink.next(bytes);
        }
    }

    private static reactor.core.publisher.Mono<byte[]> collect(Flux<byte[]> body) {
        return body.reduce(new ByteArrayOutputStream(), (all, chunk) -> {
            all.writeBytes(chunk);
            return all;
        }).map(ByteArrayOutputStream::toByteArray).defaultIfEmpty(new byte[0]);
    }

    private static Flow.Publisher<byte[]> publisher(Flux<byte[]> body) {
        return FlowAdapters.toFlowPublisher(body);
    }

    /** The transport's headers without those that describe the bytes this adapter replaces. */
    private static Map<String, List<String>> headers(Map<String, List<String>> upstream, String contentType) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        upstream.forEach((name, values) -> {
            if (!REWRITTEN.contains(name.toLowerCase(Locale.ROOT))) {
                headers.put(name, values);
            }
        });
        headers.put("Content-Type", List.of(contentType));
        return headers;
    }

    /** A 400 answered here, in OpenAI's error shape, without calling Anthropic. */
    private CompletionStage<UpstreamReply> refused(String message, String param, String code) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("message", message);
        error.put("type", "invalid_request_error");
        error.put("param", param);
        error.put("code", code);
        byte[] body = write(Map.of("error", error)).getBytes(StandardCharsets.UTF_8);
        return CompletableFuture.completedFuture(new UpstreamReply.Answered(400,
                Map.of("Content-Type", List.of("application/json")), false, publisher(Flux.just(body))));
    }

    private Object parse(String text) {
        return parseBytes(text.getBytes(StandardCharsets.UTF_8));
    }

    private Object parseBytes(byte[] bytes) {
        try {
            return json.readValue(bytes, Argument.OBJECT_ARGUMENT);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Object parseQuietly(byte[] bytes) {
        try {
            return parseBytes(bytes);
        } catch (RuntimeException notJson) {
            return null;
        }
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public CompletionStage<List<ModelDescriptor>> models(Optional<ProviderKey> callerKey) {
        return transport.models(callerKey);
    }

    @Override
    public CompletionStage<KeyCheck> check(ProviderKey key) {
        return transport.check(key);
    }
}
