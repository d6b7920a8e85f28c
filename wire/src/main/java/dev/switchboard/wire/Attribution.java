package dev.switchboard.wire;

/**
 * The app a request says it comes from: OpenRouter's attribution headers {@code HTTP-Referer} (a
 * URL) and {@code X-Title} (a name). Recorded per generation for analytics; never used to decide
 * anything. Each value at most {@link #MAX_LENGTH} characters, control characters removed.
 */
public record Attribution(String referer, String title) {

    public static final int MAX_LENGTH = 512;

    /** From the two header values; null when neither carries anything. */
    public static Attribution of(String referer, String title) {
        String r = clean(referer);
        String t = clean(title);
        return r == null && t == null ? null : new Attribution(r, t);
    }

    /** From a request's {@code HTTP-Referer} and {@code X-Title} headers, read with {@code header}. */
    public static Attribution ofHeaders(java.util.function.Function<String, String> header) {
        return of(header.apply("HTTP-Referer"), header.apply("X-Title"));
    }

    /** The value without control characters, trimmed, at most {@link #MAX_LENGTH}; null when empty. */
    public static String clean(String value) {
        if (value == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(Math.min(value.length(), MAX_LENGTH));
        for (int i = 0; i < value.length() && out.length() < MAX_LENGTH; i++) {
            char c = value.charAt(i);
            if (!Character.isISOControl(c)) {
                out.append(c);
            }
        }
        String cleaned = out.toString().strip();
        return cleaned.isEmpty() ? null : cleaned;
    }
}
