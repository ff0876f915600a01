package io.keyway.http;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** Check a chat request body as JSON once and pass it on with only {@code model} replaced. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ModelSpliceBenchmark {
    private final byte[] body = ("{\"model\":\"openrouter-meta-llama/llama-3.1-405b-instruct\",\"stream\":false,"
            + "\"messages\":[{\"role\":\"system\",\"content\":\"You are terse.\"},{\"role\":\"user\",\"content\":\"Say hello to the benchmark.\"}],"
            + "\"temperature\":0.7,\"provider\":{\"order\":[\"A\",\"B\"],\"allow_fallbacks\":false}}").getBytes(StandardCharsets.UTF_8);

    @Benchmark
    public byte[] parseAndSplice() throws BadRequest {
        return JsonCompletionBody.parse(body).withModel("meta-llama/llama-3.1-405b-instruct");
    }
}
