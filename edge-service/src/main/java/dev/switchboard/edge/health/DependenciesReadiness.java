package dev.switchboard.edge.health;

import dev.switchboard.edge.client.InternalHttp;
import dev.switchboard.edge.config.EdgeConfig;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready when auth-service and router-service, the two services on every request's path, are ready. */
@Readiness
@ApplicationScoped
public class DependenciesReadiness implements AsyncHealthCheck {

    private final InternalHttp http;
    private final EdgeConfig config;

    public DependenciesReadiness(InternalHttp http, EdgeConfig config) {
        this.http = http;
        this.config = config;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        Future<Boolean> auth = ready(config.authUrl());
        Future<Boolean> router = ready(config.routerUrl());
        return Uni.createFrom()
                .completionStage(Future.join(auth, router).toCompletionStage())
                .onFailure()
                .recoverWithNull()
                .map(ignored -> HealthCheckResponse.named("dependencies")
                        .status(Boolean.TRUE.equals(auth.result()) && Boolean.TRUE.equals(router.result()))
                        .withData("auth-service", Boolean.TRUE.equals(auth.result()))
                        .withData("router-service", Boolean.TRUE.equals(router.result()))
                        .build());
    }

    private Future<Boolean> ready(String base) {
        String uri = (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/q/health/ready";
        return http.exchange(http.options(HttpMethod.GET, uri), null)
                .map(reply -> reply.status() == 200)
                .otherwise(false);
    }
}
