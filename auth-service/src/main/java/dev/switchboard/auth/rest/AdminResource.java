package dev.switchboard.auth.rest;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.switchboard.auth.repository.Account;
import dev.switchboard.auth.repository.ApiKey;
import dev.switchboard.auth.service.AccountService;
import dev.switchboard.auth.service.AuthException;
import dev.switchboard.wire.Money;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
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

    public AdminResource(AccountService accounts) {
        this.accounts = accounts;
    }

    @POST
    @ResponseStatus(201)
    public Uni<AccountView> create(CreateAccount body, @HeaderParam("Idempotency-Key") String idempotencyKey) {
        return accounts.create(body == null ? null : body.name(), idempotencyKey).map(AccountView::of);
    }

    @GET
    @Path("/{id}")
    public Uni<AccountView> get(@PathParam("id") String id) {
        return accounts.get(uuid(id)).map(AccountView::of);
    }

    @POST
    @Path("/{id}/credits")
    public Uni<AccountView> grant(@PathParam("id") String id, Grant body, @HeaderParam("Idempotency-Key") String idempotencyKey) {
        long nanos;
        try {
            nanos = Money.nanosFromUsd(body == null || body.amountUsd() == null ? "" : body.amountUsd());
        } catch (IllegalArgumentException e) {
            return Uni.createFrom().failure(AuthException.badRequest("amount_usd must be a decimal USD amount, e.g. \"10.00\""));
        }
        return accounts.grant(uuid(id), nanos, idempotencyKey).map(AccountView::of);
    }

    @POST
    @Path("/{id}/keys")
    @ResponseStatus(201)
    public Uni<IssuedKeyView> issueKey(@PathParam("id") String id, IssueKey body) {
        String kind = body == null || body.kind() == null ? "inference" : body.kind();
        return accounts.issueKey(uuid(id), kind, body == null ? null : body.label())
                .map(issued -> new IssuedKeyView(KeyView.of(issued.key()), issued.secret()));
    }

    @GET
    @Path("/{id}/keys")
    public Uni<List<KeyView>> keys(@PathParam("id") String id) {
        return accounts.keys(uuid(id)).map(list -> list.stream().map(KeyView::of).toList());
    }

    private static UUID uuid(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw AuthException.notFound("account");
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record CreateAccount(String name) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Grant(String amountUsd) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record IssueKey(String kind, String label) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record AccountView(String id, String name, long balanceNanos, long heldNanos, BigDecimal balanceUsd,
                              BigDecimal availableUsd, Instant createdAt) {
        static AccountView of(Account a) {
            return new AccountView(a.id.toString(), a.name, a.balanceNanos, a.heldNanos, Money.usd(a.balanceNanos),
                    Money.usd(a.balanceNanos - a.heldNanos), a.createdAt);
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
    public record IssuedKeyView(KeyView key, String secret) {
    }
}
