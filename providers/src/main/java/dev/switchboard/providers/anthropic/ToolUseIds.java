package dev.switchboard.providers.anthropic;

import dev.switchboard.providers.UpstreamFailure;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Tool-call ids as Claude's APIs accept them: Anthropic ({@code tool_use.id}, {@code tool_use_id})
 * and Bedrock ({@code toolUseId}) both require {@code ^[a-zA-Z0-9_-]+$}, Bedrock at most 64
 * characters. A conversation may carry ids another provider minted ({@code functions.lookup:0});
 * those are replaced by a digest of the id, so a call and its result still match and the same
 * conversation maps the same way on every attempt.
 */
public final class ToolUseIds {

    private static final Pattern SAFE = Pattern.compile("[a-zA-Z0-9_-]+");

    private ToolUseIds() {}

    /**
     * The id to send for {@code id}.
     *
     * @throws UpstreamFailure (bad request) when there is no id to send
     */
    public static String of(String id, int maxLength) {
        if (id == null || id.isEmpty()) {
            throw UpstreamFailure.badRequest("a tool call or tool result has no id");
        }
        if (id.length() <= maxLength && SAFE.matcher(id).matches()) {
            return id;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
            return "toolu_" + HexFormat.of().formatHex(digest, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
