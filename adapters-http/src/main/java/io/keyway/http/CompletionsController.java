package io.keyway.http;

import io.keyway.application.CompletionBody;
import io.keyway.application.Outcome;
import io.keyway.application.Refusal;
import io.keyway.application.RouteCompletion;
import io.keyway.domain.completion.Endpoint;
import io.keyway.domain.completion.UpstreamReply;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import reactor.core.publisher.Mono;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The OpenAI endpoints routed by model. */
@Controller("/v1")
@ExecuteOn(TaskExecutors.BLOCKING)
class CompletionsController {
    private static final Logger LOG = LoggerFactory.getLogger(CompletionsController.class);
    /** Client headers that are passed upstream: OpenRouter's app attribution. */
    private static final List<String> FORWARDED = List.of("HTTP-Referer", "X-Title");

    private final RouteCompletion routeCompletion;
    private final UpstreamRelay relay;

    CompletionsController(RouteCompletion routeCompletion, UpstreamRelay relay) {
        this.routeCompletion = routeCompletion;
        this.relay = relay;
    }

    @Post(uri = "/chat/completions", consumes = MediaType.ALL, produces = {MediaType.APPLICATION_JSON, MediaType.TEXT_EVENT_STREAM})
    Mono<HttpResponse<?>> chatCompletions(HttpRequest<?> request, @Nullable @Body byte[] body) {
        return route(Endpoint.CHAT_COMPLETIONS, request, body);
    }

    @Post(uri = "/completions", consumes = MediaType.ALL, produces = {MediaType.APPLICATION_JSON, MediaType.TEXT_EVENT_STREAM})
    Mono<HttpResponse<?>> completions(HttpRequest<?> request, @Nullable @Body byte[] body) {
        return route(Endpoint.COMPLETIONS, request, body);
    }

    @Post(uri = "/embeddings", consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
    Mono<HttpResponse<?>> embeddings(HttpRequest<?> request, @Nullable @Body byte[] body) {
        return route(Endpoint.EMBEDDINGS, request, body);
    }

    @Post(uri = "/responses", consumes = MediaType.ALL, produces = {MediaType.APPLICATION_JSON, MediaType.TEXT_EVENT_STREAM})
    Mono<HttpResponse<?>> responses(HttpRequest<?> request, @Nullable @Body byte[] body) {
        return route(Endpoint.RESPONSES, request, body);
    }

    private Mono<HttpResponse<?>> route(Endpoint endpoint, HttpRequest<?> request, byte[] body) {
        String requestId = RequestIds.of(request);
        Map<String, String> forwarded = new LinkedHashMap<>();
        for (String name : FORWARDED) {
            String value = request.getHeaders().get(name);
            if (value != null) {
                forwarded.put(name, value);
            }
        }
        RouteCompletion.Command command = new RouteCompletion.Command(Bearer.token(request.getHeaders().get(HttpHeaders.AUTHORIZATION)),
                endpoint, completionBody(request, body), requestId, forwarded);
        return routeCompletion.route(command).fold(
                // Cancelling this publisher (the client went away) cancels the call upstream: the try in flight
                // before the answer, the body after it.
                sent -> ClientDisconnects.giveUpWhenGone(request, requestId, Mono.fromCompletionStage(sent.reply()).flatMap(reply -> {
                    LOG.info("request_id={} {} key={} model={} upstream={} -> {}", requestId, endpoint.path(), sent.keyId(),
                            sent.model(), sent.upstream(), describe(reply));
                    return relay.relay(reply, sent.upstream(), requestId);
                })),
                refusal -> Mono.just(RefusalResponses.of(refusal)));
    }

    private static Outcome<CompletionBody> completionBody(HttpRequest<?> request, byte[] body) {
        try {
            JsonBodies.requireJsonContentType(request);
            return Outcome.done(JsonCompletionBody.parse(body));
        } catch (BadRequest bad) {
            return Outcome.refused(new Refusal.InvalidRequest(bad.getMessage(), bad.param()));
        }
    }

    private static String describe(UpstreamReply reply) {
        if (reply instanceof UpstreamReply.Answered answered) {
            return answered.status() + (answered.eventStream() ? " stream" : "");
        }
        return reply.getClass().getSimpleName();
    }
}
