package dev.switchboard.internal;

import dev.switchboard.wire.ServiceToken;
import io.vertx.core.http.RequestOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.List;
import java.util.Optional;

/**
 * The credential services present to each other, read once from {@code switchboard.internal.token}
 * (the only place that property is read). Outgoing calls carry it ({@link #sign}); every
 * {@code /internal} endpoint checks it ({@link #accepts}) in constant time. A service without it
 * does not start.
 *
 * <p>Rotation without downtime: {@code switchboard.internal.also-accepted}
 * ({@code SWITCHBOARD_INTERNAL_ALSO_ACCEPTED}, comma-separated) lists credentials accepted but never
 * sent. Roll out the new credential as also accepted everywhere, then as the token (the old one
 * also accepted), then drop the old one: no call is refused at any step.
 */
@ApplicationScoped
public class ServiceCredentials {

    private final String token;
    private final ServiceToken check;

    public ServiceCredentials(String token) {
        this(token, Optional.empty());
    }

    @Inject
    public ServiceCredentials(
            @ConfigProperty(name = "switchboard.internal.token") String token,
            @ConfigProperty(name = "switchboard.internal.also-accepted") Optional<List<String>> alsoAccepted) {
        this.check = new ServiceToken(token, alsoAccepted.orElse(List.of()));
        this.token = token;
    }

    /** Whether {@code presented} (the {@link ServiceToken#HEADER} of a request, may be null) is this credential. */
    public boolean accepts(String presented) {
        return check.accepts(presented);
    }

    /** Adds the credential to an outgoing request. */
    public RequestOptions sign(RequestOptions options) {
        return options.putHeader(ServiceToken.HEADER, token);
    }

    @Override
    public String toString() {
        return "ServiceCredentials[redacted]";
    }
}
