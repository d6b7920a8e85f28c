package dev.switchboard.auth.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.switchboard.auth.repository.Account;
import dev.switchboard.auth.repository.ApiKey;
import dev.switchboard.auth.service.AccountService;
import dev.switchboard.auth.service.AuthException;
import dev.switchboard.auth.service.CreditLeases;
import dev.switchboard.auth.service.KeyChanges;
import dev.switchboard.auth.service.Preferences;
import dev.switchboard.wire.AccountPreferences;
import dev.switchboard.wire.Money;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import org.jboss.resteasy.reactive.ResponseStatus;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** The operator's API: accounts, keys and credit. Requires the admin token. */
@Path("/admin/v1/accounts")
public class AdminResource {

    private final AccountService accounts;
    private final CreditLeases leases;

    public AdminResource(AccountService accounts, CreditLeases leases) {
        this.accounts = accounts;
        this.leases = leases;
    }

    private AccountView view(Account account) {
        return AccountView.of(account, leases.unusedNanos(account.id));
    }

    @POST
    @ResponseStatus(201)
    public Uni<AccountView> create(CreateAccount body, @HeaderParam("Idempotency-Key") String idempotencyKey) {
        return accounts.create(body == null ? null : body.name(), idempotencyKey)
                .map(this::view);
    }

    @GET
    @Path("/{id}")
    public Uni<AccountView> get(@PathParam("id") String id) {
        return accounts.get(uuid(id)).map(this::view);
    }

    @POST
    @Path("/{id}/credits")
    public Uni<AccountView> grant(
            @PathParam("id") String id, Grant body, @HeaderParam("Idempotency-Key") String idempotencyKey) {
        long nanos;
        try {
            nanos = Money.nanosFromUsd(body == null || body.amountUsd() == null ? "" : body.amountUsd());
        } catch (IllegalArgumentException e) {
            return Uni.createFrom()
                    .failure(AuthException.badRequest("amount_usd must be a decimal USD amount, e.g. \"10.00\""));
        }
        return accounts.grant(uuid(id), nanos, idempotencyKey).map(this::view);
    }

    /**
     * Issues a key: {@code {"kind":"inference|management","label":...}}, plus optionally the limits a
     * management key could set ({@code limit}, {@code limit_reset}, {@code expires_at},
     * {@code rate_limit_rpm}, {@code rate_limit_tpm}).
     */
    @POST
    @Path("/{id}/keys")
    @ResponseStatus(201)
    public Uni<IssuedKeyView> issueKey(@PathParam("id") String id, JsonNode body) {
        JsonNode b = body == null ? com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode() : body;
        String kind = b.path("kind").isTextual() ? b.get("kind").asText() : "inference";
        String label = b.path("label").isTextual() ? b.get("label").asText() : null;
        return accounts.issueKey(uuid(id), kind, label, KeyChanges.of(b), false)
                .map(issued -> new IssuedKeyView(KeyView.of(issued.key()), issued.secret()));
    }

    /** Replaces the account's preferences (see {@link AccountPreferences}; snake_case, money in USD). */
    @PUT
    @Path("/{id}/preferences")
    public Uni<PreferencesView> preferences(@PathParam("id") String id, PreferencesView body) {
        if (body == null) {
            return Uni.createFrom().failure(AuthException.badRequest("body is required"));
        }
        return accounts.setPreferences(uuid(id), body.toPreferences())
                .invoke(account -> leases.invalidateAccount(account.id))
                .map(account -> PreferencesView.of(Preferences.parse(account.preferences)));
    }

    @GET
    @Path("/{id}/keys")
    public Uni<List<KeyView>> keys(@PathParam("id") String id) {
        return accounts.keys(uuid(id))
                .map(list -> list.stream().map(KeyView::of).toList());
    }

    private static UUID uuid(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw AuthException.notFound("account");
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record CreateAccount(String name) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Grant(String amountUsd) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record PreferencesView(
            List<String> fallbackModels,
            BigDecimal maxCostPerRequestUsd,
            List<String> ignoredProviders,
            boolean denyDataCollection,
            boolean zdrOnly,
            String defaultSort) {
        AccountPreferences toPreferences() {
            Long maxCost;
            try {
                maxCost =
                        maxCostPerRequestUsd == null ? null : Money.nanosFromUsd(maxCostPerRequestUsd.toPlainString());
            } catch (IllegalArgumentException e) {
                throw AuthException.badRequest("max_cost_per_request_usd is finer than a nano-dollar or too large");
            }
            return new AccountPreferences(
                    fallbackModels, maxCost, ignoredProviders, denyDataCollection, zdrOnly, defaultSort);
        }

        static PreferencesView of(AccountPreferences p) {
            return new PreferencesView(
                    p.fallbackModels(),
                    p.maxCostPerRequestNanos() == null ? null : Money.usd(p.maxCostPerRequestNanos()),
                    p.ignoredProviders(),
                    p.denyDataCollection(),
                    p.zdrOnly(),
                    p.defaultSort());
        }
    }

    /**
     * An account's credit. {@code leased_nanos} is what its leases reserve in PostgreSQL;
     * {@code held_nanos} is the part of that held for requests (open holds and costs whose charges
     * have not arrived), i.e. less the credit this replica leased and no request uses. With several
     * auth replicas, another replica's unused lease credit counts as held here.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record AccountView(
            String id,
            String name,
            long balanceNanos,
            long heldNanos,
            long leasedNanos,
            BigDecimal balanceUsd,
            BigDecimal availableUsd,
            Instant createdAt) {
        static AccountView of(Account a, long unusedLeasedNanos) {
            long held = Math.max(0, a.heldNanos - unusedLeasedNanos);
            return new AccountView(
                    a.id.toString(),
                    a.name,
                    a.balanceNanos,
                    held,
                    a.heldNanos,
                    Money.usd(a.balanceNanos),
                    Money.usd(a.balanceNanos - held),
                    a.createdAt);
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record KeyView(String id, String kind, String prefix, String label, boolean disabled, Instant createdAt) {
        static KeyView of(ApiKey k) {
            return new KeyView(k.id.toString(), k.kind, k.displayPrefix, k.label, k.disabled, k.createdAt);
        }
    }

    /** The only response that ever carries a key; it is not stored and cannot be shown again. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record IssuedKeyView(KeyView key, String secret) {}
}
