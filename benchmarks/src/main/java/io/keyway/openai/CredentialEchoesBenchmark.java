package io.keyway.openai;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * What looking for the key sent upstream costs each answer (issue #21): a chat completion answer of ~600 bytes, and
 * one stream event, each through a fresh {@link CredentialEchoes.Redactor} as a relayed answer uses one, against the
 * plain copy of the same bytes that any relay makes.
 */
@State(Scope.Benchmark)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CredentialEchoesBenchmark {
    private static final String KEY = "sk-or-v1-" + "0123456789abcdef".repeat(4);
    private byte[] answer;
    private byte[] event;

    @Setup
    public void setUp() {
        answer = ("{\"id\":\"gen-1733312345-abcdefghijklmnop\",\"provider\":\"OpenAI\",\"model\":\"openai/gpt-4o-mini\","
                + "\"object\":\"chat.completion\",\"created\":1733312345,\"choices\":[{\"logprobs\":null,\"finish_reason\":\"stop\","
                + "\"native_finish_reason\":\"stop\",\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Sure! Here is a short "
                + "answer that says something sensible about streams, keys and status codes, with a few words more.\","
                + "\"refusal\":null,\"reasoning\":null}}],\"system_fingerprint\":\"fp_0123456789\",\"usage\":{\"prompt_tokens\":16,"
                + "\"completion_tokens\":28,\"total_tokens\":44,\"prompt_tokens_details\":{\"cached_tokens\":0},"
                + "\"completion_tokens_details\":{\"reasoning_tokens\":0}}}").getBytes(StandardCharsets.UTF_8);
        event = ("data: {\"id\":\"gen-1733312345-abcdefghijklmnop\",\"object\":\"chat.completion.chunk\",\"created\":1733312345,"
                + "\"model\":\"openai/gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" streams\"},"
                + "\"finish_reason\":null}]}\n\n").getBytes(StandardCharsets.UTF_8);
    }

    @Benchmark
    public byte[] answerScanned() {
        return new CredentialEchoes.Redactor(KEY).next(answer, false);
    }

    @Benchmark
    public byte[] eventScanned() {
        return new CredentialEchoes.Redactor(KEY).next(event, false);
    }

    @Benchmark
    public byte[] answerCopied() {
        return answer.clone();
    }
}
