package dev.switchboard.providers;

import java.util.Map;

/** The HTTP request an adapter wants sent to its provider. Headers may carry the credential: never log them. */
public record UpstreamRequest(String url, Map<String, String> headers, byte[] body) {

    public UpstreamRequest {
        headers = Map.copyOf(headers);
    }

    @Override
    public String toString() {
        return "UpstreamRequest[" + url + ", " + body.length + " bytes]";
    }
}
