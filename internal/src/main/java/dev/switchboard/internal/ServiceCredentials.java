package dev.switchboard.internal;

import dev.switchboard.wire.ServiceToken;
import io.vertx.core.http.RequestOptions;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The credential services present to each other, read once from {@code switchboard.internal.token}
 * (the only place that property is read). Outgoing calls carry it ({@link #sign}); every
 * {@code /internal} endpoint checks it ({@link #accepts}) in constant time. A service without it
 * does not start.
 */
@ApplicationScoped
public class ServiceCredentials {

    private final String token;
    private final ServiceToken check;

    public ServiceCredentials(@ConfigProperty(name = "switchboard.internal.token") String token) {
        this.check = new ServiceToken(token);
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
