package dev.switchboard.catalog;

import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Re-reads the catalog file every interval and offers it when its content changed. Polls the
 * content rather than the modification time or inotify: a Kubernetes ConfigMap volume swaps a
 * symlink, which neither reports reliably, and hashing a catalog of a few hundred KB is cheap.
 */
public final class CatalogFileWatcher implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(CatalogFileWatcher.class);

    private final Path path;
    private final LiveCatalog catalog;
    private final ScheduledExecutorService timer;
    private volatile boolean unreadable;

    private CatalogFileWatcher(Path path, LiveCatalog catalog) {
        this.path = path;
        this.catalog = catalog;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "catalog-file-watch");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts watching {@code path}; the watcher is attached to (and closed with) {@code catalog}. */
    public static CatalogFileWatcher start(Path path, LiveCatalog catalog, Duration interval) {
        CatalogFileWatcher watcher = new CatalogFileWatcher(path, catalog);
        watcher.timer.scheduleWithFixedDelay(
                watcher::check, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        catalog.attach(watcher);
        LOG.infof("watching the catalog file %s every %d ms", path, interval.toMillis());
        return watcher;
    }

    /** One look at the file (the timer calls this; tests may too). */
    public void check() {
        byte[] document;
        try {
            document = Files.readAllBytes(path);
        } catch (IOException e) {
            if (!unreadable) {
                LOG.warnf(
                        "catalog file %s cannot be read (%s); revision %s stays in force",
                        path, e.getMessage(), catalog.revision());
                unreadable = true;
            }
            return;
        }
        unreadable = false;
        try {
            catalog.offer(document, path.toString());
        } catch (RuntimeException e) {
            LOG.errorf(e, "catalog file %s could not be offered", path);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
