package dev.switchboard.simulator;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verifies AWS Signature Version 4 ({@code Authorization: AWS4-HMAC-SHA256 ...}), written from the
 * specification rather than with the AWS SDK, so the SDK signer in the router is checked by an
 * independent implementation. For services other than S3 the canonical URI encodes the already
 * %-encoded path once more: a model id's {@code %3A} is signed as {@code %253A}.
 */
public final class SigV4Verifier {

    public enum Outcome {
        ACCEPTED,
        /** no SigV4 Authorization header */
        MISSING,
        /** signed with another access key id */
        UNKNOWN_KEY,
        /** the header or its scope is not what SigV4 for this service requires */
        MALFORMED,
        /** X-Amz-Date too far from now */
        EXPIRED,
        /** the signature does not match the request as received (body, path, headers or secret differ) */
        BAD_SIGNATURE
    }

    /**
     * The request as received.
     *
     * @param rawPath  the path still %-encoded, as on the wire
     * @param rawQuery the query string as on the wire, or null
     * @param headers  all values of a header by name, case-insensitive; empty when absent
     */
    public record Request(
            String method, String rawPath, String rawQuery, Function<String, List<String>> headers, byte[] body) {}

    private static final String ALGORITHM = "AWS4-HMAC-SHA256";
    private static final Duration MAX_SKEW = Duration.ofMinutes(15);
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT);

    private final String service;

    public SigV4Verifier(String service) {
        this.service = service;
    }

    /** The access key id named in a SigV4 Authorization header, or null when it names none. */
    public static String accessKeyId(String authorization) {
        Map<String, String> fields = fields(authorization);
        String credential = fields == null ? null : fields.get("Credential");
        return credential == null ? null : credential.split("/", 2)[0];
    }

    public Outcome verify(Request request, String accessKeyId, String secretKey, Instant now) {
        Map<String, String> fields = fields(first(request, "authorization"));
        if (fields == null) {
            return Outcome.MISSING;
        }
        String credential = fields.get("Credential");
        String signedHeaders = fields.get("SignedHeaders");
        String signature = fields.get("Signature");
        if (credential == null || signedHeaders == null || signature == null) {
            return Outcome.MALFORMED;
        }
        String[] scope = credential.split("/");
        if (scope.length != 5) {
            return Outcome.MALFORMED;
        }
        if (!scope[0].equals(accessKeyId)) {
            return Outcome.UNKNOWN_KEY;
        }
        String amzDate = first(request, "x-amz-date");
        List<String> signed = List.of(signedHeaders.split(";"));
        if (amzDate == null
                || !scope[3].equals(service)
                || !scope[4].equals("aws4_request")
                || !amzDate.startsWith(scope[1])
                || !signed.contains("host")
                || !signed.contains("x-amz-date")) {
            return Outcome.MALFORMED;
        }
        Instant signedAt;
        try {
            signedAt = LocalDateTime.parse(amzDate, AMZ_DATE).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            return Outcome.MALFORMED;
        }
        if (Duration.between(signedAt, now).abs().compareTo(MAX_SKEW) > 0) {
            return Outcome.EXPIRED;
        }
        String bodyHash = hex(sha256(request.body()));
        String declared = first(request, "x-amz-content-sha256");
        if (declared != null && !declared.equals("UNSIGNED-PAYLOAD") && !declared.equals(bodyHash)) {
            return Outcome.BAD_SIGNATURE;
        }
        String canonicalRequest = String.join(
                "\n",
                request.method(),
                canonicalUri(request.rawPath()),
                canonicalQuery(request.rawQuery()),
                canonicalHeaders(request, signed),
                signedHeaders,
                declared != null ? declared : bodyHash);
        String stringToSign = String.join(
                "\n",
                ALGORITHM,
                amzDate,
                scope[1] + "/" + scope[2] + "/" + scope[3] + "/aws4_request",
                hex(sha256(utf8(canonicalRequest))));
        byte[] key = hmac(utf8("AWS4" + secretKey), scope[1]);
        key = hmac(key, scope[2]);
        key = hmac(key, scope[3]);
        key = hmac(key, "aws4_request");
        byte[] expected = hmac(key, stringToSign);
        byte[] presented;
        try {
            presented = HexFormat.of().parseHex(signature);
        } catch (IllegalArgumentException e) {
            return Outcome.MALFORMED;
        }
        return MessageDigest.isEqual(expected, presented) ? Outcome.ACCEPTED : Outcome.BAD_SIGNATURE;
    }

    private static String canonicalUri(String rawPath) {
        return rawPath == null || rawPath.isEmpty() ? "/" : UriEncoding.encode(rawPath, true);
    }

    private static String canonicalQuery(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return "";
        }
        List<String[]> params = new ArrayList<>();
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            params.add(new String[] {
                UriEncoding.encode(UriEncoding.decode(name), false),
                UriEncoding.encode(UriEncoding.decode(value), false)
            });
        }
        params.sort((a, b) -> a[0].equals(b[0]) ? a[1].compareTo(b[1]) : a[0].compareTo(b[0]));
        List<String> out = new ArrayList<>();
        params.forEach(p -> out.add(p[0] + "=" + p[1]));
        return String.join("&", out);
    }

    private static String canonicalHeaders(Request request, List<String> signed) {
        StringBuilder out = new StringBuilder();
        for (String name : signed) {
            List<String> values = new ArrayList<>();
            request.headers().apply(name).forEach(v -> values.add(v.trim().replaceAll("\\s+", " ")));
            out.append(name).append(':').append(String.join(",", values)).append('\n');
        }
        return out.toString();
    }

    /** Credential, SignedHeaders and Signature of a SigV4 Authorization header, or null when it is not one. */
    private static Map<String, String> fields(String authorization) {
        if (authorization == null || !authorization.startsWith(ALGORITHM + " ")) {
            return null;
        }
        Map<String, String> out = new HashMap<>();
        for (String part : authorization.substring(ALGORITHM.length() + 1).split(",")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                out.put(part.substring(0, eq).trim(), part.substring(eq + 1).trim());
            }
        }
        return out;
    }

    private static String first(Request request, String header) {
        List<String> values = request.headers().apply(header);
        return values.isEmpty() ? null : values.getFirst();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(utf8(data));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
