package dev.switchboard.router.health;

import dev.switchboard.catalog.Catalog;
import dev.switchboard.catalog.LiveCatalog;
import dev.switchboard.catalog.ProviderSpec;
import dev.switchboard.events.health.HealthKeys;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * A provider's published rate limits ({@code rate_limits} in the catalog: requests and tokens per
 * minute for the account Switchboard calls it with), honoured across router replicas. Requests sent
 * to and tokens used at such a provider are counted in memory and, on every health refresh (once a
 * second), added to per-minute counters in Redis ({@code provider-usage:{provider}:{minute}:requests}
 * / {@code :tokens}); INCRBY answers the total of every replica, so each replica knows the minute's
 * use as of its last flush plus its own since. A provider at either limit is <em>saturated</em> until
 * the minute turns: {@link HealthView} reports it degraded, so routing tries it after the providers
 * with headroom instead of collecting its 429s, and still tries it when nothing else can serve.
 *
 * <p>Off the request path: counting is two adders, a check is a map lookup (each window keeps its
 * provider's limits, refreshed from the catalog in force on every flush); providers without
 * published limits are neither counted nor checked. The other replicas' use is up to a second old;
 * while Redis is unreachable each replica goes by its own counts. Requests are counted when an
 * attempt is sent, tokens (prompt plus completion) when an answer ends. Fixed minute windows, not
 * sliding ones.
 */
@ApplicationScoped
public class RateLimitMeter {

    private static final Logger LOG = Logger.getLogger(RateLimitMeter.class);
    /** The counters outlive their minute by one, for replicas whose flush straddles the turn. */
    private static final long COUNTER_TTL_SECONDS = 120;

    private final Redis redis;
    private final LiveCatalog catalog;
    private final LongSupplier clock;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();
    private boolean warned;

    @Inject
    public RateLimitMeter(Redis redis, LiveCatalog catalog) {
        this(redis, catalog, System::currentTimeMillis);
    }

    RateLimitMeter(Redis redis, LiveCatalog catalog, LongSupplier clock) {
        this.redis = redis;
        this.catalog = catalog;
        this.clock = clock;
    }

    /** An attempt sent to {@code provider}. */
    public void sent(ProviderSpec provider) {
        if (provider.rateLimits().published()) {
            window(provider).requestsHere.increment();
        }
    }

    /** Tokens (prompt and completion) an answer of {@code provider} used. */
    public void used(ProviderSpec provider, long tokens) {
        if (tokens > 0 && provider.rateLimits().published()) {
            window(provider).tokensHere.add(tokens);
        }
    }

    /** Whether the provider has used up a published limit in the current minute (as far as this replica knows). */
    public boolean saturated(String provider) {
        Window window = windows.get(provider);
        return window != null && window.saturated(clock.getAsLong() / 60_000);
    }

    /** The providers saturated now, by name (for the readiness data). */
    public List<String> saturatedProviders() {
        return windows.keySet().stream().filter(this::saturated).sorted().toList();
    }

    /** The provider's window, holding the limits of the catalog version the request was routed with. */
    private Window window(ProviderSpec provider) {
        Window window = windows.computeIfAbsent(provider.name(), p -> new Window());
        window.limits = provider.rateLimits();
        return window;
    }

    /**
     * Adds this replica's counts to the minute's shared counters and reads back every replica's
     * totals; {@link HealthView} calls it on each refresh (every second) and at shutdown.
     */
    void flush() {
        if (windows.isEmpty()) {
            return;
        }
        // limits as the catalog in force has them; a provider whose limits left it is no longer counted
        Catalog current = catalog.current();
        windows.entrySet().removeIf(entry -> {
            ProviderSpec.RateLimits limits = current.provider(entry.getKey())
                    .map(ProviderSpec::rateLimits)
                    .orElse(ProviderSpec.RateLimits.UNPUBLISHED);
            entry.getValue().limits = limits;
            return !limits.published();
        });
        long minute = clock.getAsLong() / 60_000;
        List<String> providers = new ArrayList<>();
        List<Request> batch = new ArrayList<>();
        for (Map.Entry<String, Window> entry : windows.entrySet()) {
            String provider = entry.getKey();
            Window window = entry.getValue();
            long requests = window.requestsHere.sumThenReset();
            long tokens = window.tokensHere.sumThenReset();
            window.requestsInFlight.add(requests);
            window.tokensInFlight.add(tokens);
            String requestsKey = HealthKeys.rateRequests(provider, minute);
            String tokensKey = HealthKeys.rateTokens(provider, minute);
            // INCRBY 0 too: it reads the other replicas' totals
            batch.add(Request.cmd(Command.INCRBY).arg(requestsKey).arg(requests));
            batch.add(Request.cmd(Command.INCRBY).arg(tokensKey).arg(tokens));
            batch.add(Request.cmd(Command.EXPIRE).arg(requestsKey).arg(COUNTER_TTL_SECONDS));
            batch.add(Request.cmd(Command.EXPIRE).arg(tokensKey).arg(COUNTER_TTL_SECONDS));
            providers.add(provider);
        }
        if (batch.isEmpty()) {
            return;
        }
        redis.batch(batch)
                .subscribe()
                .with(
                        responses -> {
                            for (int i = 0; i < providers.size(); i++) {
                                Window window = windows.get(providers.get(i));
                                if (window != null) {
                                    window.shared(
                                            minute, number(responses.get(4 * i)), number(responses.get(4 * i + 1)));
                                    logSaturation(providers.get(i), window, minute);
                                }
                            }
                            warned = false;
                        },
                        e -> {
                            // the counts stay on this replica: its view of the minute is not under-counted
                            providers.forEach(provider -> {
                                Window window = windows.get(provider);
                                if (window != null) {
                                    window.notShared();
                                }
                            });
                            if (!warned) {
                                warned = true;
                                LOG.warnf(
                                        "provider rate-limit counts not shared through Redis (%s); this replica counts its own",
                                        e.getMessage());
                            }
                        });
    }

    private void logSaturation(String provider, Window window, long minute) {
        if (window.loggedMinute != minute && saturated(provider)) {
            window.loggedMinute = minute;
            LOG.infof(
                    "provider %s reached a published rate limit this minute (%d requests, %d tokens): tried after the others"
                            + " until the minute turns",
                    provider, window.requestsTotal, window.tokensTotal);
        }
    }

    private static long number(Response response) {
        return response == null ? 0 : response.toLong();
    }

    /** One provider's use: every replica's totals as of the last flush, this replica's since, and what a flush is adding. */
    private static final class Window {
        final LongAdder requestsHere = new LongAdder();
        final LongAdder tokensHere = new LongAdder();
        final LongAdder requestsInFlight = new LongAdder();
        final LongAdder tokensInFlight = new LongAdder();
        volatile ProviderSpec.RateLimits limits = ProviderSpec.RateLimits.UNPUBLISHED;
        volatile long minute = -1;
        volatile long requestsTotal;
        volatile long tokensTotal;
        volatile long loggedMinute = -1;

        /** The flush landed: the totals now include what it carried. */
        void shared(long minute, long requests, long tokens) {
            this.requestsTotal = requests;
            this.tokensTotal = tokens;
            this.minute = minute;
            requestsInFlight.reset();
            tokensInFlight.reset();
        }

        /** The flush failed: what it carried is counted here again, for the next one. */
        void notShared() {
            requestsHere.add(requestsInFlight.sumThenReset());
            tokensHere.add(tokensInFlight.sumThenReset());
        }

        boolean saturated(long now) {
            ProviderSpec.RateLimits limits = this.limits;
            boolean current = minute == now;
            long requests = (current ? requestsTotal : 0) + requestsInFlight.sum() + requestsHere.sum();
            long tokens = (current ? tokensTotal : 0) + tokensInFlight.sum() + tokensHere.sum();
            return limits.requestsPerMinute() > 0 && requests >= limits.requestsPerMinute()
                    || limits.tokensPerMinute() > 0 && tokens >= limits.tokensPerMinute();
        }
    }
}
