package dev.switchboard.providers.gemini;

import java.util.Locale;
import java.util.Map;

/**
 * Media types from file extensions. Gemini wants a {@code mimeType} on every inline blob and reads
 * it to decide how to decode a URL's bytes, but the internal model often has only a URL or a file
 * name; the extension is the best evidence left. Only types Gemini documents as inputs are listed.
 */
final class MediaTypes {

    private static final Map<String, String> BY_EXTENSION = Map.ofEntries(
            Map.entry("png", "image/png"),
            Map.entry("jpg", "image/jpeg"),
            Map.entry("jpeg", "image/jpeg"),
            Map.entry("webp", "image/webp"),
            Map.entry("gif", "image/gif"),
            Map.entry("heic", "image/heic"),
            Map.entry("heif", "image/heif"),
            Map.entry("pdf", "application/pdf"),
            Map.entry("txt", "text/plain"),
            Map.entry("md", "text/markdown"),
            Map.entry("csv", "text/csv"),
            Map.entry("html", "text/html"),
            Map.entry("xml", "text/xml"),
            Map.entry("json", "application/json"),
            Map.entry("wav", "audio/wav"),
            Map.entry("mp3", "audio/mp3"),
            Map.entry("aiff", "audio/aiff"),
            Map.entry("aac", "audio/aac"),
            Map.entry("ogg", "audio/ogg"),
            Map.entry("flac", "audio/flac"),
            Map.entry("mp4", "video/mp4"),
            Map.entry("mpeg", "video/mpeg"),
            Map.entry("mov", "video/mov"),
            Map.entry("webm", "video/webm"));

    private MediaTypes() {}

    /** The media type the last path segment's extension names, or null (no name, no extension, or one not listed). */
    static String fromName(String nameOrUrl) {
        if (nameOrUrl == null) {
            return null;
        }
        String path = nameOrUrl;
        int end = path.length();
        int query = path.indexOf('?');
        int fragment = path.indexOf('#');
        if (query >= 0) {
            end = Math.min(end, query);
        }
        if (fragment >= 0) {
            end = Math.min(end, fragment);
        }
        path = path.substring(0, end);
        String segment = path.substring(path.lastIndexOf('/') + 1);
        int dot = segment.lastIndexOf('.');
        if (dot < 0 || dot == segment.length() - 1) {
            return null;
        }
        return BY_EXTENSION.get(segment.substring(dot + 1).toLowerCase(Locale.ROOT));
    }
}
