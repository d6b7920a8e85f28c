package dev.switchboard.bench;

import dev.switchboard.auth.config.AuthConfig;
import dev.switchboard.auth.repository.CreditLedger;
import dev.switchboard.auth.service.CreditLeases;
import dev.switchboard.auth.service.KeyCodec;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * auth-service's credit path against the local stack's PostgreSQL: a request's hold placed and
 * finished with its cost in memory against the key's lease ({@link CreditLeases}, the hot path; the
 * lease grants that run now and then are inside the measurement), and a poll of 100 charges settled
 * in PostgreSQL ({@link CreditLedger#settleAll}, off the hot path, one transaction), for one key
 * of one account and spread over 1,000 accounts. Setup creates the accounts and keys with plain
 * SQL; teardown deletes them.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CreditBenchmark {

    private static final long HOLD_NANOS = 262_144_000L; // gpt-4.1's worst case with 32,768 output tokens, about $0.26
    private static final long COST_NANOS = 20_000L;

    @Param({"1", "1000"})
    public int accounts;

    private Vertx vertx;
    private Pool pool;
    private CreditLeases leases;
    private CreditLedger ledger;
    private final List<UUID> accountIds = new ArrayList<>();
    private final List<UUID> keyIds = new ArrayList<>();
    private final AtomicLong sequence = new AtomicLong();

    @Setup(Level.Trial)
    public void setUp() {
        vertx = Vertx.vertx();
        String url = System.getenv().getOrDefault("POSTGRES_URL", "postgresql://127.0.0.1:5432/switchboard");
        PgConnectOptions connect = PgConnectOptions.fromUri(url)
                .setUser(System.getenv().getOrDefault("POSTGRES_USER", "switchboard"))
                .setPassword(System.getenv().getOrDefault("POSTGRES_PASSWORD", "switchboard"));
        pool = PgPool.pool(vertx, connect, new PoolOptions().setMaxSize(16));
        ledger = new CreditLedger(pool);
        AuthConfig config = config();
        leases = new CreditLeases(ledger, new KeyCodec(config), config, new SimpleMeterRegistry());
        SecureRandom random = new SecureRandom();
        for (int i = 0; i < accounts; i++) {
            UUID account = UUID.randomUUID();
            UUID key = UUID.randomUUID();
            byte[] hash = new byte[32];
            random.nextBytes(hash);
            pool.preparedQuery(
                            "INSERT INTO auth.accounts (id, name, balance_nanos) VALUES ($1, 'bench-credit', 1000000000000000)")
                    .execute(Tuple.of(account))
                    .await()
                    .atMost(Duration.ofSeconds(10));
            pool.preparedQuery(
                            "INSERT INTO auth.api_keys (id, account_id, kind, key_hash, display_prefix) VALUES ($1, $2, 'inference', $3, 'bench')")
                    .execute(Tuple.of(key, account, io.vertx.core.buffer.Buffer.buffer(hash)))
                    .await()
                    .atMost(Duration.ofSeconds(10));
            accountIds.add(account);
            keyIds.add(key);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        UUID[] accountArray = accountIds.toArray(UUID[]::new);
        UUID[] keyArray = keyIds.toArray(UUID[]::new);
        for (String statement : List.of(
                "DELETE FROM auth.credit_leases WHERE account_id = ANY($1)",
                "DELETE FROM auth.applied_charges WHERE account_id = ANY($1)")) {
            pool.preparedQuery(statement)
                    .execute(Tuple.of(accountArray))
                    .await()
                    .atMost(Duration.ofSeconds(30));
        }
        pool.preparedQuery("DELETE FROM auth.key_spend_days WHERE key_id = ANY($1)")
                .execute(Tuple.of(keyArray))
                .await()
                .atMost(Duration.ofSeconds(30));
        pool.preparedQuery("DELETE FROM auth.api_keys WHERE id = ANY($1)")
                .execute(Tuple.of(keyArray))
                .await()
                .atMost(Duration.ofSeconds(30));
        pool.preparedQuery("DELETE FROM auth.accounts WHERE id = ANY($1)")
                .execute(Tuple.of(accountArray))
                .await()
                .atMost(Duration.ofSeconds(30));
        pool.close().await().atMost(Duration.ofSeconds(10));
        vertx.close().await().atMost(Duration.ofSeconds(10));
    }

    /** One request's credit on the hot path: its worst case held, then finished at its cost. */
    @Benchmark
    public boolean holdAndFinish() {
        long n = sequence.incrementAndGet();
        UUID key = keyIds.get((int) (n % keyIds.size()));
        String hold = leases.hold(new CreditLeases.KeyRef(key, null), "gen-bench-" + n, HOLD_NANOS)
                .await()
                .atMost(Duration.ofSeconds(10))
                .holdId();
        return leases.finish(hold, COST_NANOS);
    }

    /**
     * A Kafka poll's worth of charges (100) applied in PostgreSQL in one transaction: recorded,
     * then the accounts, keys and key days debited, idempotent by charge id.
     */
    @Benchmark
    public int settle100() {
        List<CreditLedger.Charge> batch = new ArrayList<>(100);
        for (int j = 0; j < 100; j++) {
            int i = (int) (sequence.incrementAndGet() % keyIds.size());
            batch.add(new CreditLedger.Charge(
                    "charge-bench-" + UUID.randomUUID(), null, null, accountIds.get(i), keyIds.get(i), COST_NANOS));
        }
        return ledger.settleAll(batch, Instant.now())
                .await()
                .atMost(Duration.ofSeconds(30))
                .applied()
                .size();
    }

    private static AuthConfig config() {
        return new AuthConfig() {
            @Override
            public String keySecret() {
                return "bench-key-secret-not-for-production";
            }

            @Override
            public String adminToken() {
                return "bench";
            }

            @Override
            public java.util.Optional<java.util.List<String>> adminTokenAlsoAccepted() {
                return java.util.Optional.empty();
            }

            @Override
            public Duration holdTtl() {
                return Duration.ofMinutes(10);
            }

            @Override
            public String holdSweepInterval() {
                return "30s";
            }

            @Override
            public Lease lease() {
                return new Lease() {
                    @Override
                    public String batchUsd() {
                        return "1.00";
                    }

                    @Override
                    public Duration ttl() {
                        return Duration.ofSeconds(30);
                    }

                    @Override
                    public Duration idle() {
                        return Duration.ofSeconds(5);
                    }

                    @Override
                    public String heartbeat() {
                        return "30s";
                    }
                };
            }

            @Override
            public StoreRetry storeRetry() {
                return new StoreRetry() {
                    @Override
                    public Duration initialBackoff() {
                        return Duration.ofMillis(200);
                    }

                    @Override
                    public Duration maxBackoff() {
                        return Duration.ofSeconds(5);
                    }
                };
            }

            @Override
            public Reconcile reconcile() {
                throw new UnsupportedOperationException("the benchmark does not reconcile");
            }
        };
    }
}
