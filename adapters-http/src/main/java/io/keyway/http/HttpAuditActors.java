package io.keyway.http;

import io.keyway.domain.audit.AuditActor;
import io.keyway.domain.audit.AuditActors;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.context.ServerRequestContext;
import jakarta.inject.Singleton;

import java.util.Optional;

/**
 * Who is making a change, for the audit trail, from the HTTP request being served (Micronaut carries it to the
 * executor the controller runs on): the admin token on {@code /admin} routes, else the presented key by its public id
 * only ({@code management_key:<id>}, {@code gateway_key:<id>}); the client's address as the guessing limit counts it;
 * the request's id. A change is only made once the key was verified, so the id is the actor's.
 */
@Singleton
@Requires(notEnv = "cli")
final class HttpAuditActors implements AuditActors {
    private final ClientAddresses addresses;

    HttpAuditActors(ClientAddresses addresses) {
        this.addresses = addresses;
    }

    @Override
    public AuditActor current() {
        Optional<HttpRequest<Object>> current = ServerRequestContext.currentRequest();
        if (current.isEmpty()) {
            return AuditActor.SYSTEM;
        }
        HttpRequest<?> request = current.get();
        return new AuditActor(actor(request), addresses.of(request), RequestIds.of(request));
    }

    private static String actor(HttpRequest<?> request) {
        if (request.getPath().startsWith("/admin/")) {
            return "admin";
        }
        String bearer = Bearer.token(request.getHeaders().get(HttpHeaders.AUTHORIZATION));
        String id = Bearer.publicKeyId(bearer);
        if (id == null) {
            return "system";
        }
        return (bearer.startsWith("kwm-") ? "management_key:" : "gateway_key:") + id;
    }
}
