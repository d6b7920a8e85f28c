package dev.switchboard.auth.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** auth-service settings ({@code switchboard.auth.*}). */
@ConfigMapping(prefix = "switchboard.auth")
public interface AuthConfig {

    /** Server secret keyed into every API-key hash (HMAC-SHA-256). Changing it invalidates every key. */
    String keySecret();

    /** Bearer token of the admin API ({@code /admin/v1}). */
    String adminToken();

    /** How long an unsettled hold reserves credit before it is released. */
    @WithDefault("PT10M")
    Duration holdTtl();

    /** How often expired holds are swept (a Quarkus scheduler interval such as {@code 30s}). */
    @WithDefault("30s")
    String holdSweepInterval();
}
