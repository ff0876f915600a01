package io.keyway.http;

import io.keyway.application.Authenticator;
import io.keyway.application.Outcome;
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
import io.micronaut.http.server.netty.NettyHttpRequest;
import io.micronaut.scheduling.TaskExecutors;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
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
        String bearer = Bearer.token(request.getHeaders().get(HttpHeaders.AUTHORIZATION));
        String requestId = RequestIds.of(request);
        JsonCompletionBody completionBody;
        try {
            JsonBodies.requireJsonContentType(request);
            completionBody = JsonCompletionBody.parse(body);
        } catch (BadRequest bad) {
            if (bearer == null) {
                return Mono.just(RefusalResponses.of(Authenticator.MISSING_KEY));
            }
            return Mono.just(OpenAiError.invalidRequest(bad.getMessage(), bad.param()));
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-Request-Id", requestId);
        for (String name : FORWARDED) {
            String value = request.getHeaders().get(name);
            if (value != null) {
                headers.put(name, value);
            }
        }
        RouteCompletion.Command command = new RouteCompletion.Command(bearer, endpoint, completionBody, headers);
        Outcome<RouteCompletion.Sent> outcome = routeCompletion.route(command);
        if (outcome instanceof Outcome.Refused<RouteCompletion.Sent> refused) {
            return Mono.just(RefusalResponses.of(refused.refusal()));
        }
        RouteCompletion.Sent sent = ((Outcome.Done<RouteCompletion.Sent>) outcome).value();
        // Cancelling this publisher (the client went away) cancels the call upstream: the try in flight before the
        // answer, the body after it.
        return whileConnected(request, requestId, Mono.fromCompletionStage(sent.reply()).flatMap(reply -> {
            LOG.info("request_id={} {} key={} model={} upstream={} stream={} -> {}", requestId, endpoint.path(), sent.keyId(),
                    completionBody.model(), sent.upstream(), completionBody.stream(), describe(reply));
            return relay.relay(reply, sent.upstream(), requestId);
        }));
    }

    /**
     * The response, given up when the client's connection closes first. Micronaut (4.10) does not cancel a pending
     * response when its client goes away, so the call upstream would run, and bill, to its end.
     */
    private static Mono<HttpResponse<?>> whileConnected(HttpRequest<?> request, String requestId, Mono<HttpResponse<?>> response) {
        if (!(request instanceof NettyHttpRequest<?> netty)) {
            return response;
        }
        Channel channel = netty.getChannelHandlerContext().channel();
        Mono<Void> clientGone = Mono.create(sink -> {
            ChannelFutureListener listener = closed -> {
                LOG.info("request_id={} client went away before the answer; cancelling the upstream request", requestId);
                sink.success();
            };
            channel.closeFuture().addListener(listener);
            sink.onDispose(() -> channel.closeFuture().removeListener(listener));
        });
        return response.takeUntilOther(clientGone);
    }

    private static String describe(UpstreamReply reply) {
        if (reply instanceof UpstreamReply.Answered answered) {
            return String.valueOf(answered.status());
        }
        return reply.getClass().getSimpleName();
    }
}
