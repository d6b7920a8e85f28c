package dev.switchboard.catalog;

import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The catalog in force, replaced as a whole when a new valid document arrives (hot reload from a
 * watched file or ConfigMap). Request code takes {@link #current()} once and works on that
 * immutable {@link Catalog}, so a reload never shows it half of one catalog and half of another.
 *
 * <p>A document is accepted only if it parses, validates and passes every {@link Check} a service
 * registered (the router checks it can call every provider family); otherwise it is rejected with
 * every problem logged and the previous catalog stays in force. The document in force, or the one
 * just rejected, offered again is a no-op, so watchers may offer on every event or poll.
 */
public final class LiveCatalog implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LiveCatalog.class);

    /** A service's own acceptance rule for a candidate catalog: the problems, empty if fine. */
    @FunctionalInterface
    public interface Check {
        List<String> problems(Catalog candidate);
    }

    /** What became of an offered document. */
    public record Outcome(
            boolean accepted, boolean changed, String source, String revision, List<String> problems, Instant at) {}

    private final Function<String, Optional<String>> baseUrlOverride;
    private final List<Check> checks = new CopyOnWriteArrayList<>();
    private final List<Consumer<Catalog>> listeners = new CopyOnWriteArrayList<>();
    private final List<AutoCloseable> watchers = new CopyOnWriteArrayList<>();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private volatile Catalog current;
    private volatile String revision;
    private volatile String source;
    private volatile Outcome last;

    /**
     * @param initial         the catalog to start with (already validated)
     * @param revision        its revision (see {@link #revisionOf})
     * @param source          where it came from, for logs and status
     * @param baseUrlOverride applied to every later document, as to the initial one
     */
    public LiveCatalog(
            Catalog initial, String revision, String source, Function<String, Optional<String>> baseUrlOverride) {
        this.current = initial;
        this.revision = revision;
        this.source = source;
        this.baseUrlOverride = baseUrlOverride;
        this.last = new Outcome(true, true, source, revision, List.of(), Instant.now());
    }

    /** The live catalog starting from {@code document} (YAML), which must be valid: a {@link CatalogException} lists what is not. */
    public static LiveCatalog of(byte[] document, String source, Function<String, Optional<String>> baseUrlOverride) {
        return new LiveCatalog(parse(document, source, baseUrlOverride), revisionOf(document), source, baseUrlOverride);
    }

    private static Catalog parse(byte[] document, String source, Function<String, Optional<String>> baseUrlOverride) {
        return CatalogLoader.parse(new java.io.ByteArrayInputStream(document), source)
                .withBaseUrlOverrides(baseUrlOverride);
    }

    /** A catalog that never changes (tests, benchmarks). */
    public static LiveCatalog fixed(Catalog catalog) {
        return new LiveCatalog(catalog, "fixed", "fixed", name -> Optional.empty());
    }

    /** The catalog in force. Take it once per request. */
    public Catalog current() {
        return current;
    }

    /** The revision in force: the first 12 hex digits of the document's SHA-256. */
    public String revision() {
        return revision;
    }

    public String source() {
        return source;
    }

    public long acceptedReloads() {
        return accepted.get();
    }

    public long rejectedReloads() {
        return rejected.get();
    }

    /** The outcome of the latest offer (or of the start). */
    public Outcome lastOutcome() {
        return last;
    }

    /**
     * Registers a check every later document must pass, and applies it to the catalog in force:
     * the problems it has with that one are thrown, so a service refuses to start on a catalog it
     * cannot serve.
     */
    public void addCheck(Check check) {
        List<String> problems = check.problems(current);
        if (!problems.isEmpty()) {
            throw new CatalogException(source, problems);
        }
        checks.add(check);
    }

    /** Called with each newly accepted catalog, on the watcher's thread. */
    public void onChange(Consumer<Catalog> listener) {
        listeners.add(listener);
    }

    /** Closed with this catalog (a file or ConfigMap watcher). */
    public void attach(AutoCloseable watcher) {
        watchers.add(watcher);
    }

    /** Offers a new YAML document: accepted and in force at once, or rejected with the previous one kept. */
    public synchronized Outcome offer(byte[] document, String from) {
        String rev = revisionOf(document);
        if (rev.equals(revision)) {
            return new Outcome(true, false, from, rev, List.of(), Instant.now());
        }
        Outcome previous = last;
        if (!previous.accepted() && rev.equals(previous.revision())) {
            return previous; // the document just rejected, offered again (the file poll, an informer resync): judged
            // once
        }
        List<String> problems = new ArrayList<>();
        Catalog next = null;
        try {
            next = parse(document, from, baseUrlOverride);
        } catch (CatalogException e) {
            problems.addAll(e.problems());
        }
        if (next != null) {
            for (Check check : checks) {
                problems.addAll(check.problems(next));
            }
        }
        if (!problems.isEmpty()) {
            rejected.incrementAndGet();
            last = new Outcome(false, false, from, rev, List.copyOf(problems), Instant.now());
            LOG.errorf(
                    "catalog from %s (revision %s) rejected, revision %s from %s stays in force: %s",
                    from, rev, revision, source, String.join("; ", problems));
            return last;
        }
        return install(next, rev, from);
    }

    /** Offers a document that could not be read at all (e.g. the ConfigMap lacks the key): rejected, previous kept. */
    public synchronized Outcome reject(String from, String problem) {
        Outcome previous = last;
        if (!previous.accepted()
                && previous.source().equals(from)
                && previous.problems().equals(List.of(problem))) {
            return previous; // the same failure again (an informer resync of a ConfigMap still lacking its key): judged
            // once
        }
        rejected.incrementAndGet();
        last = new Outcome(false, false, from, revision, List.of(problem), Instant.now());
        LOG.errorf("catalog from %s rejected, revision %s from %s stays in force: %s", from, revision, source, problem);
        return last;
    }

    private Outcome install(Catalog next, String rev, String from) {
        String previous = revision;
        current = next;
        revision = rev;
        source = from;
        accepted.incrementAndGet();
        last = new Outcome(true, true, from, rev, List.of(), Instant.now());
        LOG.infof(
                "catalog revision %s from %s in force (was %s): %d providers, %d models",
                rev, from, previous, next.providers().size(), next.models().size());
        for (Consumer<Catalog> listener : listeners) {
            try {
                listener.accept(next);
            } catch (RuntimeException e) {
                LOG.warnf(e, "catalog listener failed on revision %s", rev);
            }
        }
        return last;
    }

    public static String revisionOf(byte[] document) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(document), 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String revisionOf(String document) {
        return revisionOf(document.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        for (AutoCloseable watcher : watchers) {
            try {
                watcher.close();
            } catch (Exception e) {
                LOG.debugf(e, "closing a catalog watcher");
            }
        }
        watchers.clear();
    }
}
