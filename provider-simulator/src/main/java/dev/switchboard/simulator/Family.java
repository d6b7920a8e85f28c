package dev.switchboard.simulator;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;

import java.util.Optional;

/**
 * A provider wire protocol: which paths it serves, how it authenticates, the shape of its errors.
 * Paths are matched on what follows the provider segment, by suffix, so any base path works.
 */
public interface Family {

    /** The family's name in stats ({@code by_family}). */
    String name();

    /**
     * The operation serving this request, or null when this family does not serve it.
     *
     * @param rest    the raw (still %-encoded) path after {@code /{provider}}
     * @param headers the request headers: some paths are shared by families ({@code GET /v1/models}
     *                is OpenAI's and Anthropic's) and only the headers tell them apart
     */
    Operation route(HttpMethod method, String rest, MultiMap headers);

    /** The credential a provider of this family accepts when none is configured. */
    default String defaultCredential(String provider) {
        return ProviderSimulator.defaultCredential(provider);
    }

    /** The 401 to answer when the request does not carry {@code credential} the way this family sends it. */
    Optional<Reply> authenticate(Exchange exchange, String credential);

    /**
     * An error in this family's shape.
     *
     * @param code the family's error code/type/status name; null: the usual one for {@code status}
     */
    Reply error(Exchange exchange, int status, String code, String message);
}
