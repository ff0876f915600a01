package io.keyway.bootstrap;

import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import io.keyway.domain.testkit.FakeUpstream;
import io.keyway.domain.testkit.RawSocketUpstream;
import dev.langchain4j.exception.AuthenticationException;
import dev.langchain4j.exception.ModelNotFoundException;
import dev.langchain4j.exception.RateLimitException;
import io.keyway.testkit.Gateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import io.keyway.testkit.KeywayExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An unmodified OpenAI client library (LangChain4j's) pointed at Keyway, plain and streaming. */
class OpenAiClientTest {
    private static final String MODEL = "openrouter-meta-llama/llama-3.1-405b-instruct";
    private static final RawSocketUpstream cutting = RawSocketUpstream.start(RawSocketUpstream.streamThenReset(List.of(
            "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"cut\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Hal\"},\"finish_reason\":null}]}\n\n")));

    @RegisterExtension
    static final KeywayExtension keyway = KeywayExtension.builder()
            .property("keyway.openrouter.retries", 0)
            .property("keyway.upstreams.cut.base-url", cutting.baseUrl())
            .property("keyway.upstreams.cut.models", List.of("cut-model"))
            .property("keyway.upstreams.cut.retries", 0)
            .build();

    private static FakeUpstream openRouter;
    private static Gateway gateway;
    private static String key;
    private static String openRouterKey;

    @BeforeEach
    void use() {
        openRouter = keyway.openRouter();
        gateway = keyway.gateway();
        key = keyway.gatewayKey();
        openRouterKey = keyway.openRouterKey();
    }

    @AfterAll
    static void stop() {
        cutting.close();
    }

    /** The parts a streaming chat received, and how it ended. */
    private record StreamedChat(List<String> parts, CompletableFuture<ChatResponse> done) {
    }

    private static StreamedChat streamChat(String modelName) {
        OpenAiStreamingChatModel model = OpenAiStreamingChatModel.builder()
                .baseUrl(gateway.baseUrl() + "/v1").apiKey(key).modelName(modelName).timeout(Duration.ofSeconds(20)).build();
        List<String> parts = new CopyOnWriteArrayList<>();
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        model.chat("Say hello", new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(String partialResponse) {
                parts.add(partialResponse);
            }

            @Override
            public void onCompleteResponse(ChatResponse response) {
                done.complete(response);
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }
        });
        return new StreamedChat(parts, done);
    }

    private static OpenAiChatModel chatModel(String apiKey, String model) {
        return OpenAiChatModel.builder().baseUrl(gateway.baseUrl() + "/v1").apiKey(apiKey).modelName(model)
                .timeout(Duration.ofSeconds(20)).maxRetries(0).build();
    }

    @Test
    void anUnknownKeyIsTheClientsAuthenticationError() {
        String unknown = new io.keyway.domain.keys.KeyMint().mint(io.keyway.domain.keys.KeyKind.GATEWAY).token();
        assertThrows(AuthenticationException.class, () -> chatModel(unknown, MODEL).chat("hi"));
    }

    @Test
    void aModelNobodyServesIsTheClientsModelNotFoundError() {
        assertThrows(ModelNotFoundException.class, () -> chatModel(key, "no-such-model").chat("hi"));
    }

    @Test
    void anUpstream429IsTheClientsRateLimitError() {
        openRouter.answer("chat/completions", FakeUpstream.json(429,
                "{\"error\":{\"code\":429,\"message\":\"Rate limit exceeded\"}}", Map.of("Retry-After", "1")));
        RateLimitException error = assertThrows(RateLimitException.class, () -> chatModel(key, MODEL).chat("hi"));
        assertTrue(error.getMessage().contains("Rate limit exceeded"), error.getMessage());
    }

    @Test
    void aStreamCutUpstreamIsTheClientsStreamingErrorNotACompletion() throws Exception {
        StreamedChat streamed = streamChat("cut-model");

        java.util.concurrent.ExecutionException failed = assertThrows(java.util.concurrent.ExecutionException.class,
                () -> streamed.done().get(20, TimeUnit.SECONDS));
        assertEquals(List.of("Hal"), streamed.parts());
        assertTrue(failed.getCause() instanceof dev.langchain4j.exception.LangChain4jException, String.valueOf(failed.getCause()));
    }

    @Test
    void aPlainChatCallGetsTheUpstreamsAnswer() {
        openRouter.answer("chat/completions", FakeUpstream.json(200,
                FakeUpstream.chatCompletion("meta-llama/llama-3.1-405b-instruct", "Hello from upstream")));
        OpenAiChatModel model = OpenAiChatModel.builder()
                .baseUrl(gateway.baseUrl() + "/v1").apiKey(key).modelName(MODEL)
                .timeout(Duration.ofSeconds(20)).maxRetries(0).build();

        String answer = model.chat("Say hello");

        assertEquals("Hello from upstream", answer);
        assertEquals("Bearer " + openRouterKey, openRouter.last().header("Authorization"));
        assertTrue(openRouter.last().bodyText().matches("(?s).*\"model\"\\s*:\\s*\"meta-llama/llama-3.1-405b-instruct\".*"),
                openRouter.last().bodyText());
    }

    @Test
    void aStreamingChatCallReceivesEveryPartAndTheEnd() throws Exception {
        openRouter.answer("chat/completions", FakeUpstream.eventStream(
                FakeUpstream.chatStream("meta-llama/llama-3.1-405b-instruct", List.of("Hel", "lo", " there")), Duration.ofMillis(50)));
        StreamedChat streamed = streamChat(MODEL);

        ChatResponse response = streamed.done().get(20, TimeUnit.SECONDS);
        assertEquals(List.of("Hel", "lo", " there"), streamed.parts());
        assertEquals("Hello there", response.aiMessage().text());
        assertTrue(openRouter.last().bodyText().matches("(?s).*\"stream\"\\s*:\\s*true.*"), openRouter.last().bodyText());
    }

    @Test
    void aMissingProviderKeySurfacesAsTheClientsPermissionError() {
        String bare = gateway.createGatewayKey(gateway.createAccount("sdk-bare"), null);
        OpenAiChatModel model = OpenAiChatModel.builder()
                .baseUrl(gateway.baseUrl() + "/v1").apiKey(bare).modelName(MODEL).maxRetries(0).build();

        RuntimeException error = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class, () -> model.chat("hi"));

        assertTrue(String.valueOf(error.getMessage()).contains("provider_key_missing"), String.valueOf(error.getMessage()));
    }
}
