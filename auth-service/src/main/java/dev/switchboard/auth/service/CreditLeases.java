package dev.switchboard.auth.service;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.switchboard.auth.config.AuthConfig;
import dev.switchboard.auth.repository.CreditLedger;
import dev.switchboard.wire.AccountPreferences;
import dev.switchboard.wire.AuthContext;
import dev.switchboard.wire.KeyClaims;
import dev.switchboard.wire.Money;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Credit holds in memory, against leases of credit reserved in PostgreSQL in batches.
 *
 * <p>Each key in use has one current lease on this replica: an amount reserved on its account (and
 * under its key's limit) in one transaction, {@link CreditLedger#grant}. A hold takes its amount from
 * the lease's available credit under the lease's lock — no database round trip — and is placed only
 * if the lease covers it; a lease running short grows by a batch (one transaction, which re-checks the
 * key), concurrent requests waiting for the same grant. When a request ends its hold is finished with
 * its cost: the unused part goes back to the lease at once, the cost stays consumed until its charge
 * takes it out of the lease in PostgreSQL. Overspend is impossible beyond what every grant checked:
 * the sum of the leases never exceeds the balance.
 *
 * <p>A lease takes new holds for {@code lease.ttl} (then a new grant re-reads the key and its
 * account's preferences), and gives its unused credit back when idle for {@code lease.idle}, when it
 * retires, or at shutdown. A lease whose replica died is swept by any replica once its heartbeat is
 * older than the hold TTL ({@link CreditLedger#sweep}). Changes made on this replica to a key or to
 * an account's preferences take effect on the next hold; another replica's changes reach this one's
 * leases when they retire (at most {@code lease.ttl}).
 *
 * <p>A hold id is {@code <lease id>.<generation id>}: the charge that settles it names its lease.
 */
@ApplicationScoped
public class CreditLeases {

    private static final Logger LOG = Logger.getLogger(CreditLeases.class);
    /** Attempts to place one hold while concurrent requests take what each grant added. */
    private static final int MAX_GRANTS_PER_HOLD = 4;

    private final CreditLedger ledger;
    private final KeyCodec codec;
    private final long holdTtlMillis;
    private final long leaseTtlMillis;
    private final long leaseIdleMillis;
    private final long batchNanos;
    private final Duration holdTtl;
    private final String owner = "auth-" + UUID.randomUUID();
    private final Map<UUID, Lease> current = new ConcurrentHashMap<>();
    private final Map<String, UUID> keyByHash = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Lease>> opening = new ConcurrentHashMap<>();
    private final Map<String, Hold> holds = new ConcurrentHashMap<>();
    private final Set<Lease> draining = ConcurrentHashMap.newKeySet();
    /** Holds released by expiry, with their lease: a charge that still comes for one is taken out of that lease. */
    private final Map<String, Lease> expiredHolds = new ConcurrentHashMap<>();

    private final Counter grants;
    private final Counter expired;
    private final Counter inDebt;

    public CreditLeases(CreditLedger ledger, KeyCodec codec, AuthConfig config, MeterRegistry registry) {
        this.ledger = ledger;
        this.codec = codec;
        this.holdTtl = config.holdTtl();
        this.holdTtlMillis = config.holdTtl().toMillis();
        this.leaseTtlMillis = config.lease().ttl().toMillis();
        this.leaseIdleMillis = config.lease().idle().toMillis();
        this.batchNanos = Money.nanosFromUsd(config.lease().batchUsd());
        this.grants = registry.counter("switchboard.auth.lease.grants");
        this.expired = registry.counter("switchboard.auth.holds.expired");
        this.inDebt = registry.counter("switchboard.auth.accounts.in_debt");
        registry.gauge("switchboard.auth.leases", this, l -> l.current.size() + l.draining.size());
        registry.gauge("switchboard.auth.holds.open", this, l -> l.holds.size());
    }

    /** Which key a request names: by id (the edge, which verified it) or by its secret. */
    public record KeyRef(UUID keyId, String secret) {}

    /** Reserves {@code nanos} for generation {@code generationId}; answers the request's authorization. */
    public Uni<AuthContext> hold(KeyRef ref, String generationId, long nanos) {
        UUID keyId = ref.keyId() != null ? ref.keyId() : keyByHash.get(hashHex(ref.secret()));
        Lease lease = keyId == null ? null : current.get(keyId);
        long now = System.currentTimeMillis();
        if (lease == null || !lease.acceptsNewHolds(now)) {
            return open(ref, keyId, lease).chain(opened -> place(opened, generationId, nanos, 0));
        }
        return place(lease, generationId, nanos, 0);
    }

    private Uni<AuthContext> place(Lease lease, String generationId, long nanos, int grantsSoFar) {
        AuthException refused = lease.refusal(Instant.now());
        if (refused != null) {
            return Uni.createFrom().failure(refused);
        }
        Hold hold = null;
        synchronized (lease) {
            if (lease.available >= nanos && !lease.closed) {
                lease.available -= nanos;
                lease.open++;
                lease.lastUsedMillis = System.currentTimeMillis();
                hold = new Hold(lease.id + "." + generationId, lease, nanos, lease.lastUsedMillis);
            }
        }
        if (hold != null) {
            if (holds.putIfAbsent(hold.id, hold) != null) {
                finish(lease, nanos, 0);
                return Uni.createFrom().failure(AuthException.badRequest("generation id already has a hold"));
            }
            return Uni.createFrom()
                    .item(new AuthContext(
                            lease.accountId.toString(), lease.keyId.toString(), hold.id, nanos, lease.preferences));
        }
        if (grantsSoFar >= MAX_GRANTS_PER_HOLD) {
            return Uni.createFrom().failure(AuthException.insufficientCredit());
        }
        if (lease.closed) {
            // retired meanwhile: the key's next lease takes the hold
            return open(new KeyRef(lease.keyId, null), lease.keyId, null)
                    .chain(next -> place(next, generationId, nanos, grantsSoFar + 1));
        }
        return grow(lease, nanos).chain(() -> place(lease, generationId, nanos, grantsSoFar + 1));
    }

    /** Adds {@code nanos} to an open hold, under the same checks as a new hold, capped by the account's maximum cost per request. */
    public Uni<Long> extend(String holdId, long nanos) {
        Hold hold = holds.get(holdId);
        if (hold == null) {
            return Uni.createFrom().failure(AuthException.notFound("hold"));
        }
        Long maxCost = hold.lease.preferences.maxCostPerRequestNanos();
        if (maxCost != null && hold.amount() + nanos > maxCost) {
            return Uni.createFrom()
                    .failure(new AuthException(402, "The account's maximum cost per request is reached"));
        }
        return take(hold.lease, nanos, 0, hold.lease.invalid).map(ignored -> {
            long grown = hold.grow(nanos);
            if (grown < 0) {
                // the request ended while its extension was being taken (a stream's last tokens): what the
                // extension took goes back, or it would stay reserved in the lease for good
                returnToLease(hold.lease, nanos);
                throw AuthException.notFound("hold");
            }
            return grown;
        });
    }

    private Uni<Void> take(Lease lease, long nanos, int grantsSoFar, boolean recheckKey) {
        AuthException refused = lease.refusal(Instant.now());
        if (refused != null) {
            return Uni.createFrom().failure(refused);
        }
        if (!recheckKey) {
            synchronized (lease) {
                if (lease.available >= nanos) {
                    lease.available -= nanos;
                    lease.lastUsedMillis = System.currentTimeMillis();
                    return Uni.createFrom().voidItem();
                }
            }
        }
        if (grantsSoFar >= MAX_GRANTS_PER_HOLD) {
            return Uni.createFrom().failure(AuthException.insufficientCredit());
        }
        return grow(lease, nanos).chain(() -> take(lease, nanos, grantsSoFar + 1, false));
    }

    /**
     * Ends a hold: what it reserved beyond {@code costNanos} is available again at once; the cost
     * stays consumed until its charge arrives. False when the hold is not open here.
     */
    public boolean finish(String holdId, long costNanos) {
        Hold hold = holds.remove(holdId);
        if (hold == null) {
            return false;
        }
        finish(hold.lease, hold.finish(), Math.max(0, costNanos));
        return true;
    }

    private void finish(Lease lease, long amount, long cost) {
        boolean close;
        boolean closed;
        synchronized (lease) {
            lease.open--;
            lease.lastUsedMillis = System.currentTimeMillis();
            closed = lease.closed;
            if (!closed) {
                lease.available += amount - cost;
            }
            close = lease.open == 0 && draining.contains(lease);
        }
        if (closed) {
            // the lease gave its unused credit back while this hold was open: what the hold frees goes back now
            giveBackNow(lease, amount - cost);
        }
        if (close) {
            close(lease);
        }
    }

    /**
     * Credit a hold no longer needs: available in its lease again, or, when the lease gave its unused
     * credit back meanwhile, given back to the account now.
     */
    private void returnToLease(Lease lease, long nanos) {
        boolean closed;
        synchronized (lease) {
            closed = lease.closed;
            if (!closed) {
                lease.available += nanos;
            }
        }
        if (closed) {
            giveBackNow(lease, nanos);
        }
    }

    private void giveBackNow(Lease lease, long nanos) {
        if (nanos > 0) {
            ledger.giveBack(lease.id, lease.keyId, nanos, true)
                    .subscribe()
                    .with(
                            ok -> {},
                            e -> LOG.warnf(
                                    "lease %s: a finished hold's credit was not given back (%s); it is swept after the hold TTL",
                                    lease.id, e.getMessage()));
        }
    }

    /**
     * A charge was applied. An interim one (a long stream's usage so far) for a hold open here is
     * remembered with it; a final one for a hold still open here (its finish was lost) ends the hold at
     * the generation's cost, its interim charges included.
     */
    public void charged(String holdId, long costNanos, boolean isFinal) {
        if (holdId == null) {
            return;
        }
        Hold open = holds.get(holdId);
        if (!isFinal && open != null) {
            open.charged(costNanos);
            return;
        }
        if (isFinal && finish(holdId, costNanos + (open == null ? 0 : open.chargedNanos()))) {
            return;
        }
        Lease lease = expiredHolds.remove(holdId);
        if (lease != null) {
            // the hold's credit went back to the lease when it expired; its cost came out of the lease in PostgreSQL
            synchronized (lease) {
                lease.available -= costNanos;
            }
        }
    }

    /** The lease a hold id names, or null for an id in another form (a hold placed before leases). */
    public static UUID leaseOf(String holdId) {
        if (holdId == null) {
            return null;
        }
        int dot = holdId.indexOf('.');
        if (dot != 36) {
            return null;
        }
        try {
            return UUID.fromString(holdId.substring(0, dot));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The key changed on this replica (revoked, disabled, limits): its next hold re-reads it. */
    public void invalidateKey(UUID keyId) {
        Lease lease = current.remove(keyId);
        if (lease != null) {
            lease.invalid = true;
            retire(lease);
        }
    }

    /** The account's preferences changed on this replica: every lease of its keys retires. */
    public void invalidateAccount(UUID accountId) {
        for (Lease lease : List.copyOf(current.values())) {
            if (lease.accountId.equals(accountId) && current.remove(lease.keyId, lease)) {
                lease.invalid = true;
                retire(lease);
            }
        }
    }

    /**
     * A charge left the account below zero (charges no lease covered: see docs/architecture.md "Credit
     * holds"): its leases on this replica retire at once, so its next request needs a new grant, which
     * answers 402 until the account is topped up. Other replicas' leases retire within {@code lease.ttl}.
     */
    public void inDebt(UUID accountId, long balanceNanos) {
        inDebt.increment();
        LOG.infof(
                "account %s is in debt (balance %d nano-USD): new requests get 402 until it is topped up",
                accountId, balanceNanos);
        invalidateAccount(accountId);
    }

    /** Credit this replica leased for the account and holds for no request: reserved in PostgreSQL, but free. */
    public long unusedNanos(UUID accountId) {
        long unused = 0;
        for (Lease lease : allLeases()) {
            if (lease.accountId.equals(accountId)) {
                synchronized (lease) {
                    unused += lease.closed ? 0 : Math.max(0, lease.available);
                }
            }
        }
        return unused;
    }

    /** A hold open on this replica, as reconciliation lists it. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record OpenHold(String holdId, String accountId, long amountNanos, long ageMillis) {}

    /** The holds open here for longer than {@code age} (their requests should have ended), oldest first; at most {@code limit}. */
    public List<OpenHold> openHoldsOlderThan(Duration age, UUID account, int limit) {
        long now = System.currentTimeMillis();
        return holds.values().stream()
                .filter(h -> now - h.createdMillis > age.toMillis())
                .filter(h -> account == null || h.lease.accountId.equals(account))
                .sorted(java.util.Comparator.comparingLong(h -> h.createdMillis))
                .limit(limit)
                .map(h -> new OpenHold(h.id, h.lease.accountId.toString(), h.amount(), now - h.createdMillis))
                .toList();
    }

    /** Releases holds older than the hold TTL whose request never finished (a lost router, say); answers how many. */
    public int expireHolds(long olderThanMillis) {
        long cutoff = System.currentTimeMillis() - olderThanMillis;
        int n = 0;
        for (Hold hold : List.copyOf(holds.values())) {
            if (hold.createdMillis < cutoff && finish(hold.id, 0)) {
                expiredHolds.put(hold.id, hold.lease);
                n++;
            }
        }
        // a charge later than another hold TTL finds its lease swept: it is debited without one
        expiredHolds
                .values()
                .removeIf(lease -> lease.closed && System.currentTimeMillis() - lease.closedMillis > holdTtlMillis);
        if (n > 0) {
            expired.increment(n);
            LOG.infof("released %d expired credit holds", n);
        }
        return n;
    }

    @Scheduled(every = "1s", delayed = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void maintain() {
        expireHolds(holdTtlMillis);
        long now = System.currentTimeMillis();
        for (Lease lease : List.copyOf(current.values())) {
            boolean idle;
            synchronized (lease) {
                idle = lease.open == 0 && now - lease.lastUsedMillis >= leaseIdleMillis;
            }
            if ((idle || !lease.acceptsNewHolds(now)) && current.remove(lease.keyId, lease)) {
                retire(lease);
            }
        }
        for (Lease lease : List.copyOf(draining)) {
            boolean unused;
            synchronized (lease) {
                unused = lease.open == 0 && !lease.closed;
            }
            if (unused) {
                close(lease);
            }
        }
    }

    @Scheduled(
            every = "${switchboard.auth.lease.heartbeat}",
            delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> heartbeat() {
        return ledger.heartbeat(owner)
                .onFailure()
                .invoke(e -> LOG.warnf("lease heartbeat failed: %s", e.getMessage()))
                .onFailure()
                .recoverWithNull()
                .replaceWithVoid();
    }

    /**
     * Ends closed leases whose charges have all arrived, and gives back the leases of a replica that has
     * not been heard of for a hold TTL ({@link CreditLedger#sweep}).
     */
    @Scheduled(
            every = "${switchboard.auth.hold-sweep-interval}",
            delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> sweep() {
        return sweep(Instant.now().minus(holdTtl)).replaceWithVoid();
    }

    /** Ends settled leases and those abandoned before {@code before}; answers how many. */
    public Uni<Integer> sweep(Instant before) {
        return ledger.sweep(before, 500)
                .invoke(n -> {
                    if (n > 0) {
                        LOG.infof("swept %d credit leases", n);
                    }
                })
                .onFailure()
                .invoke(e -> LOG.warnf("lease sweep failed: %s", e.getMessage()))
                .onFailure()
                .recoverWithItem(0);
    }

    /** Gives every lease's unused credit back before the process ends. */
    void onStop(@Observes ShutdownEvent event) {
        List<Uni<Void>> closing = new ArrayList<>();
        for (Lease lease : allLeases()) {
            closing.add(closeNow(lease));
        }
        if (!closing.isEmpty()) {
            try {
                Uni.join().all(closing).andCollectFailures().await().atMost(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                LOG.warnf(
                        "some credit leases were not given back at shutdown (%s); they are swept after the hold TTL",
                        e.getMessage());
            }
        }
    }

    private List<Lease> allLeases() {
        List<Lease> all = new ArrayList<>(current.values());
        all.addAll(draining);
        return all;
    }

    private void retire(Lease lease) {
        boolean unused;
        synchronized (lease) {
            draining.add(lease);
            unused = lease.open == 0;
        }
        if (unused) {
            close(lease);
        }
    }

    private void close(Lease lease) {
        closeNow(lease)
                .subscribe()
                .with(ok -> {}, e -> LOG.warnf("lease %s not given back (%s); retried", lease.id, e.getMessage()));
    }

    /** Takes no more holds on the lease and gives its unused credit back. */
    private Uni<Void> closeNow(Lease lease) {
        long unused;
        synchronized (lease) {
            if (lease.closed) {
                return Uni.createFrom().voidItem();
            }
            lease.closed = true;
            lease.closedMillis = System.currentTimeMillis();
            unused = Math.max(0, lease.available);
            lease.available = 0;
        }
        current.remove(lease.keyId, lease);
        return ledger.giveBack(lease.id, lease.keyId, unused, true)
                .invoke(() -> draining.remove(lease))
                .onFailure()
                .invoke(() -> {
                    synchronized (lease) {
                        lease.closed = false;
                        lease.available += unused;
                    }
                    draining.add(lease);
                });
    }

    /** Opens a lease for the key (one grant shared by the requests that need it at once). */
    private Uni<Lease> open(KeyRef ref, UUID knownKeyId, Lease previous) {
        if (previous != null && current.remove(previous.keyId, previous)) {
            retire(previous);
        }
        String slot = knownKeyId != null ? knownKeyId.toString() : "h:" + hashHex(ref.secret());
        CompletableFuture<Lease> mine = new CompletableFuture<>();
        CompletableFuture<Lease> theirs = opening.putIfAbsent(slot, mine);
        if (theirs != null) {
            return Uni.createFrom().completionStage(theirs);
        }
        UUID leaseId = UUID.randomUUID();
        Instant now = Instant.now();
        withReclaim(
                        () -> ledger.inTransaction(c -> usableKey(c, ref, knownKeyId, now)
                                .chain(key -> ledger.grant(c, key, leaseId, owner, 0, batchNanos, now))),
                        null)
                .subscribe()
                .with(
                        granted -> {
                            grants.increment();
                            CreditLedger.LockedKey key = granted.key();
                            Lease lease = new Lease(leaseId, key, granted.nanos());
                            if (ref.secret() != null) {
                                keyByHash.put(hashHex(ref.secret()), key.id());
                            }
                            Lease replaced = current.put(key.id(), lease);
                            if (replaced != null && replaced != lease) {
                                retire(replaced);
                            }
                            opening.remove(slot, mine);
                            mine.complete(lease);
                        },
                        error -> {
                            opening.remove(slot, mine);
                            mine.completeExceptionally(error);
                        });
        return Uni.createFrom().completionStage(mine);
    }

    /** Adds a batch to the lease, at least enough for {@code nanos}; one grant at a time per lease. */
    private Uni<Void> grow(Lease lease, long nanos) {
        CompletableFuture<Void> mine;
        long min;
        long want;
        synchronized (lease) {
            if (lease.growing != null) {
                return Uni.createFrom().completionStage(lease.growing);
            }
            mine = new CompletableFuture<>();
            lease.growing = mine;
            min = Math.max(0, nanos - Math.max(0, lease.available));
            // batches grow with use: at least the configured batch, four holds like this one, or as much again as is
            // held now
            want = Math.max(batchNanos, Math.max(saturatedTimes(nanos, 4), lease.heldNowNanos()));
        }
        Instant now = Instant.now();
        withReclaim(
                        () -> ledger.inTransaction(c -> usableKey(c, new KeyRef(lease.keyId, null), lease.keyId, now)
                                .chain(key -> ledger.grant(c, key, lease.id, owner, min, want, now))),
                        lease)
                .subscribe()
                .with(
                        granted -> {
                            grants.increment();
                            boolean closedMeanwhile;
                            synchronized (lease) {
                                closedMeanwhile = lease.closed;
                                if (!closedMeanwhile) {
                                    lease.available += granted.nanos();
                                }
                                lease.growing = null;
                            }
                            if (closedMeanwhile) {
                                ledger.giveBack(lease.id, lease.keyId, granted.nanos(), true)
                                        .subscribe()
                                        .with(
                                                ok -> {},
                                                e -> LOG.warnf(
                                                        "lease %s: late grant not given back (%s); it is swept after the hold TTL",
                                                        lease.id, e.getMessage()));
                            }
                            mine.complete(null);
                        },
                        error -> {
                            synchronized (lease) {
                                lease.growing = null;
                                if (error instanceof AuthException e
                                        && (e.status() == 401
                                                || e.status() == 403
                                                        && !e.getMessage().startsWith("Key limit"))) {
                                    lease.invalid = true;
                                }
                            }
                            if (lease.invalid && current.remove(lease.keyId, lease)) {
                                retire(lease);
                            }
                            mine.completeExceptionally(error);
                        });
        return Uni.createFrom().completionStage(mine);
    }

    /**
     * Runs a grant; when the account is short, the account's other leases on this replica that hold
     * unused credit give it back (another key of the account may have leased the whole balance) and
     * the grant is tried once more.
     */
    private Uni<CreditLedger.Granted> withReclaim(
            java.util.function.Supplier<Uni<CreditLedger.Granted>> grant, Lease except) {
        return grant.get().onFailure(CreditLedger.AccountShort.class).recoverWithUni(error -> {
            UUID account = ((CreditLedger.AccountShort) error).accountId();
            List<Uni<Void>> givingBack = new ArrayList<>();
            for (Lease other : allLeases()) {
                boolean unused;
                synchronized (other) {
                    unused = other != except && other.accountId.equals(account) && !other.closed && other.available > 0;
                }
                if (unused) {
                    current.remove(other.keyId, other);
                    draining.add(other);
                    givingBack.add(closeNow(other));
                }
            }
            if (givingBack.isEmpty()) {
                return Uni.createFrom().failure(error);
            }
            return Uni.join()
                    .all(givingBack)
                    .andCollectFailures()
                    .onFailure()
                    .recoverWithNull()
                    .chain(ignored -> grant.get());
        });
    }

    private static long saturatedTimes(long nanos, int factor) {
        return nanos > Long.MAX_VALUE / factor ? Long.MAX_VALUE : nanos * factor;
    }

    /** The key, locked for the transaction, refused when unknown, deleted, expired or disabled. */
    private Uni<CreditLedger.LockedKey> usableKey(SqlConnection c, KeyRef ref, UUID keyId, Instant now) {
        Uni<CreditLedger.LockedKey> lookup;
        if (keyId != null) {
            lookup = ledger.lockKeyById(c, keyId);
        } else if (ref.secret() == null || ref.secret().isBlank()) {
            return Uni.createFrom().failure(AuthException.missingKey());
        } else if (!codec.wellFormed(ref.secret())) {
            return Uni.createFrom().failure(AuthException.invalidKey());
        } else {
            lookup = ledger.lockKeyByHash(c, codec.hash(ref.secret()));
        }
        return lookup.map(key -> {
            if (key == null || key.deleted()) {
                throw AuthException.invalidKey();
            }
            AuthException refused = refusal(key.kind(), key.expiresAt(), now);
            if (refused != null) {
                throw refused;
            }
            if (key.disabled()) {
                throw AuthException.forbidden("This API key is disabled");
            }
            return key;
        });
    }

    private static AuthException refusal(String kind, Instant expiresAt, Instant now) {
        if (expiresAt != null && !expiresAt.isAfter(now)) {
            return new AuthException(401, "This API key has expired");
        }
        if (!KeyClaims.INFERENCE.equals(kind)) {
            return AuthException.forbidden("Management keys cannot call models");
        }
        return null;
    }

    private String hashHex(String secret) {
        return secret == null ? "" : HexFormat.of().formatHex(codec.hash(secret));
    }

    /** Credit reserved for one key on this replica. Mutable fields are guarded by the lease's monitor. */
    private final class Lease {
        final UUID id;
        final UUID keyId;
        final UUID accountId;
        final String kind;
        final Instant keyExpiresAt;
        final AccountPreferences preferences;
        final long createdMillis = System.currentTimeMillis();
        long available;
        int open;
        long lastUsedMillis = createdMillis;
        boolean closed;
        long closedMillis;
        volatile boolean invalid;
        CompletableFuture<Void> growing;

        Lease(UUID id, CreditLedger.LockedKey key, long granted) {
            this.id = id;
            this.keyId = key.id();
            this.accountId = key.accountId();
            this.kind = key.kind();
            this.keyExpiresAt = key.expiresAt();
            this.preferences = Preferences.parse(key.preferencesJson());
            this.available = granted;
        }

        boolean acceptsNewHolds(long nowMillis) {
            return !invalid && !closed && nowMillis - createdMillis < leaseTtlMillis;
        }

        AuthException refusal(Instant now) {
            return CreditLeases.refusal(kind, keyExpiresAt, now);
        }

        /** What open holds on this lease reserve now (an estimate for batch sizing). */
        long heldNowNanos() {
            long held = 0;
            for (Hold hold : holds.values()) {
                if (hold.lease == this) {
                    held += hold.amount();
                }
            }
            return held;
        }
    }

    /** One request's reservation. */
    private static final class Hold {
        final String id;
        final Lease lease;
        final long createdMillis;
        private long amount;
        private boolean finished;

        Hold(String id, Lease lease, long amount, long createdMillis) {
            this.id = id;
            this.lease = lease;
            this.amount = amount;
            this.createdMillis = createdMillis;
        }

        synchronized long amount() {
            return amount;
        }

        /** Adds an extension; -1 (nothing added) when the hold was finished meanwhile. */
        synchronized long grow(long nanos) {
            if (finished) {
                return -1;
            }
            amount += nanos;
            return amount;
        }

        /** Ends the hold: no extension is added after this; answers what it reserved. */
        synchronized long finish() {
            finished = true;
            return amount;
        }

        /** What interim charges of this hold's generation have debited so far. */
        private long charged;

        synchronized void charged(long nanos) {
            charged += nanos;
        }

        synchronized long chargedNanos() {
            return charged;
        }
    }
}
