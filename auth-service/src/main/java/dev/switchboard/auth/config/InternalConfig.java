package dev.switchboard.auth.config;

import io.smallrye.config.ConfigMapping;

/** The shared service credential that internal endpoints require ({@code switchboard.internal.token}). */
@ConfigMapping(prefix = "switchboard.internal")
public interface InternalConfig {

    String token();
}
