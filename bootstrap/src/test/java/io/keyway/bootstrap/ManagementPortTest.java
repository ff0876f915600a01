package io.keyway.bootstrap;

import io.keyway.domain.testkit.FakeUpstream;
import io.keyway.testkit.Gateway;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * endpoints.all.port puts health, metrics and the API reference on a port of their own, which the Kubernetes manifest
 * keeps inside the cluster: the API's port no longer answers them, and the management port answers nothing else.
 */
class ManagementPortTest {
    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static int status(int port, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void healthMetricsAndTheApiReferenceMoveToTheManagementPort() throws Exception {
        int management = freePort();
        try (FakeUpstream openRouter = FakeUpstream.start();
             Gateway gateway = Gateway.start(openRouter.baseUrl(), Map.of("endpoints.all.port", management))) {
            int api = gateway.uri("/").getPort();
            for (String path : List.of("/health", "/health/readiness", "/health/liveness", "/prometheus", "/openapi.yml", "/openapi")) {
                assertEquals(200, status(management, path), path + " on the management port");
                assertEquals(404, status(api, path), path + " on the API port");
            }
            assertEquals(401, status(api, "/v1/models"), "the API stays on its port");
            assertEquals(404, status(management, "/v1/models"), "the management port serves no API");
        }
    }
}
