package io.keyway.http;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.State;

import java.util.concurrent.TimeUnit;

import java.nio.charset.StandardCharsets;

/** Check a chat request body as JSON once and pass it on with only {@code model} replaced. */
@State(Scope.Thread)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ModelSpliceBenchmark {
    private final byte[] body = ("{\"model\":\"openrouter-meta-llama/llama-3.1-405b-instruct\",\"stream\":false,"
            + "\"messages\":[{\"role\":\"system\",\"content\":\"You are terse.\"},{\"role\":\"user\",\"content\":\"Say hello to the benchmark.\"}],"
            + "\"temperature\":0.7,\"provider\":{\"order\":[\"A\",\"B\"],\"allow_fallbacks\":false}}").getBytes(StandardCharsets.UTF_8);

    @Benchmark
    public byte[] parseAndSplice() throws BadRequest {
        return JsonCompletionBody.parse(body).withModel("meta-llama/llama-3.1-405b-instruct");
    }
}
