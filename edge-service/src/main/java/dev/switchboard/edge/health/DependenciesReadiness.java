package dev.switchboard.edge.health;

import dev.switchboard.edge.config.EdgeConfig;
import dev.switchboard.internal.InternalClient;
import dev.switchboard.internal.InternalClients;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import java.time.Duration;

/**
 * Whether auth-service and router-service, the two services on every request's path, answer as ready:
 * reported in the readiness data, never a reason to be unready. Degrade, don't fail: every edge replica
 * sees the same dependencies, so an unready edge would take the whole gateway out of its Service
 * during an auth outage (a PostgreSQL outage makes no auth replica able to grant), while a ready one
 * serves the keys it verified within the grace and answers everything else with a 503 that says why
 * (docs/reliability.md, "Health during outages").
 */
@Readiness
@ApplicationScoped
public class DependenciesReadiness implements AsyncHealthCheck {

    private final InternalClient auth;
    private final InternalClient router;
    private final Duration timeout;

    public DependenciesReadiness(InternalClients clients, EdgeConfig config) {
        this.auth = clients.to(config.authUrl(), config.internalPoolSize());
        this.router = clients.to(config.routerUrl(), config.internalPoolSize());
        this.timeout = config.internalTimeout();
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        Future<Boolean> auth = ready(this.auth);
        Future<Boolean> router = ready(this.router);
        return Uni.createFrom()
                .completionStage(Future.join(auth, router).toCompletionStage())
                .onFailure()
                .recoverWithNull()
                .map(ignored -> HealthCheckResponse.named("dependencies")
                        .up()
                        .withData("auth-service", Boolean.TRUE.equals(auth.result()))
                        .withData("router-service", Boolean.TRUE.equals(router.result()))
                        .build());
    }

    private Future<Boolean> ready(InternalClient service) {
        return service.exchange(HttpMethod.GET, "/q/health/ready", null, timeout)
                .map(reply -> reply.status() == 200)
                .otherwise(false);
    }
}
