package dev.switchboard.images;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * An OCI image archive as {@link ImageBuild} writes it (an OCI image layout in a tar: oci-layout,
 * index.json, blobs/sha256/...): its reference, manifest, config and layers, read without a container
 * runtime; and {@link #unpack}, which lays the layers down in order into a root file system, as a
 * runtime's snapshotter would.
 *
 * @param reference the image reference index.json names
 * @param manifest the image manifest
 * @param config the image config (architecture, os, config.User, config.Entrypoint, ...)
 * @param layers the layers, base first
 */
public record OciArchive(String reference, JsonNode manifest, JsonNode config, List<Layer> layers) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One layer of the image.
     *
     * @param digest its blob digest (sha256:...)
     * @param mediaType its media type (a gzipped tar)
     * @param blob where its blob is inside the archive
     */
    public record Layer(String digest, String mediaType, String blob) {}

    /** One file, directory or link of a layer. */
    public record Entry(String path, long size, int mode, long uid, long gid, boolean directory, String link) {}

    /** Reads an archive's index, manifest and config. */
    public static OciArchive read(Path archive) {
        Map<String, byte[]> small = new HashMap<>();
        try (var tar = new TarArchiveInputStream(Files.newInputStream(archive))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                if (entry.isFile() && entry.getSize() < 1 << 20) {
                    small.put(entry.getName(), tar.readAllBytes());
                }
            }
            JsonNode index = JSON.readTree(require(small, "index.json", archive));
            JsonNode descriptor = index.path("manifests").path(0);
            String reference = descriptor
                    .path("annotations")
                    .path("org.opencontainers.image.ref.name")
                    .asText();
            JsonNode manifest =
                    JSON.readTree(require(small, blob(descriptor.path("digest").asText()), archive));
            JsonNode config = JSON.readTree(
                    require(small, blob(manifest.path("config").path("digest").asText()), archive));
            var layers = new ArrayList<Layer>();
            for (JsonNode layer : manifest.path("layers")) {
                String digest = layer.path("digest").asText();
                layers.add(new Layer(digest, layer.path("mediaType").asText(), blob(digest)));
            }
            return new OciArchive(reference, manifest, config, List.copyOf(layers));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the image archive " + archive, e);
        }
    }

    /** The entries of one layer, in archive order. */
    public List<Entry> entries(Path archive, Layer layer) {
        var entries = new ArrayList<Entry>();
        withBlob(archive, layer, in -> {
            try (var tar = new TarArchiveInputStream(new GzipCompressorInputStream(in))) {
                TarArchiveEntry e;
                while ((e = tar.getNextEntry()) != null) {
                    String link = e.isSymbolicLink() || e.isLink() ? e.getLinkName() : null;
                    entries.add(new Entry(
                            e.getName(),
                            e.getSize(),
                            e.getMode(),
                            e.getLongUserId(),
                            e.getLongGroupId(),
                            e.isDirectory(),
                            link));
                }
            }
        });
        return entries;
    }

    /**
     * Lays every layer down, base first, into {@code root} with GNU tar (owners, modes and links kept;
     * needs root to keep owners). Whiteouts are not expected: {@link ImageBuild}'s layers only add files.
     */
    public void unpack(Path archive, Path root) {
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (Layer layer : layers) {
            withBlob(archive, layer, in -> {
                Process tar = new ProcessBuilder("tar", "--numeric-owner", "-xzf", "-", "-C", root.toString())
                        .redirectErrorStream(true)
                        .start();
                try (var stdin = tar.getOutputStream()) {
                    in.transferTo(stdin);
                }
                String output = new String(tar.getInputStream().readAllBytes());
                try {
                    if (!tar.waitFor(60, TimeUnit.SECONDS) || tar.exitValue() != 0) {
                        throw new IOException("tar failed on layer " + layer.digest() + ": " + output);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                }
            });
        }
    }

    private interface BlobReader {
        void read(InputStream in) throws IOException;
    }

    private static void withBlob(Path archive, Layer layer, BlobReader reader) {
        try (var tar = new TarArchiveInputStream(Files.newInputStream(archive))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                if (entry.getName().equals(layer.blob())) {
                    reader.read(tar);
                    return;
                }
            }
            throw new IOException("layer " + layer.digest() + " is not in " + archive);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String blob(String digest) {
        return "blobs/" + digest.replace(':', '/');
    }

    private static byte[] require(Map<String, byte[]> files, String name, Path archive) throws IOException {
        byte[] bytes = files.get(name);
        if (bytes == null) {
            throw new IOException(archive + " has no " + name + ": not an OCI image archive");
        }
        return bytes;
    }
}
