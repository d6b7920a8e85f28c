package dev.switchboard.providers.bedrock;

import dev.switchboard.catalog.Catalog;
import dev.switchboard.catalog.CatalogLoader;
import dev.switchboard.catalog.EndpointSpec;
import dev.switchboard.catalog.ProviderSpec;
import dev.switchboard.providers.UpstreamFailure;
import dev.switchboard.providers.UpstreamRequest;
import dev.switchboard.wire.ChatMessage;
import dev.switchboard.wire.ChatRequest;
import dev.switchboard.wire.ErrorClass;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Proves the SigV4 signature the adapter sends by computing it again here, by hand from the
 * specification (canonical request, string to sign, HMAC chain), without the AWS SDK. The hand
 * computation itself is first checked against AWS's published test vector.
 */
class BedrockSignatureTest {

    private static final Catalog CATALOG = CatalogLoader.builtIn();
    private static final String SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private static final Pattern AUTHORIZATION = Pattern.compile(
            "AWS4-HMAC-SHA256 Credential=([^/]+)/(\\d{8})/([^/]+)/([^/]+)/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})");

    private final BedrockConverseAdapter adapter = new BedrockConverseAdapter(BedrockConverseAdapterContractTest.CLOCK);

    @Test
    void theHandComputationReproducesAwsPublishedPostVanillaVector() {
        // aws-sig-v4-test-suite "post-vanilla": POST / to example.amazonaws.com, service "service", no body
        String canonical = "POST\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n"
                + sha256Hex(new byte[0]);
        assertThat(signature(canonical, "20150830T123600Z", "us-east-1", "service", SECRET))
                .isEqualTo("5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b");
    }

    @Test
    void theAdapterSignsWhatItSends() {
        UpstreamRequest request = adapter.toUpstream(
                bedrock(), endpoint("anthropic/claude-3.5-haiku"), hello(), 1000, "AKIDEXAMPLE:" + SECRET);
        assertThat(request.url()).contains("/model/anthropic.claude-3-5-haiku-20241022-v1%3A0/converse-stream");
        Matcher auth = authorization(request);
        assertThat(auth.group(1)).isEqualTo("AKIDEXAMPLE");
        assertThat(auth.group(2)).isEqualTo("20250601");
        assertThat(auth.group(3)).isEqualTo("us-east-1");
        assertThat(auth.group(4)).isEqualTo("bedrock");
        // Content-Type and Accept stay unsigned: SigV4 needs host and x-amz-date, the payload hash covers the body
        assertThat(auth.group(5)).isEqualTo("host;x-amz-content-sha256;x-amz-date");
        assertThat(header(request, "x-amz-content-sha256")).isEqualTo(sha256Hex(request.body()));
        assertThat(header(request, "Host"))
                .as("the HTTP client writes Host from the URL")
                .isNull();
        assertThat(auth.group(6)).isEqualTo(expectedSignature(request, auth.group(5), SECRET));
    }

    @Test
    void aPathWithPercentEncodingIsSignedEncodedTwice() {
        // an inference profile ARN holds ':' and '/': both are percent-encoded in the URL, and for
        // every service but S3 SigV4 encodes the already encoded path once more (%3A is signed as %253A)
        EndpointSpec sonnet = endpoint("anthropic/claude-sonnet-4");
        EndpointSpec arn = new EndpointSpec(
                sonnet.model(),
                sonnet.provider(),
                "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-sonnet-4-20250514-v1:0",
                sonnet.contextLength(),
                sonnet.maxOutputTokens(),
                sonnet.prices(),
                sonnet.quantization(),
                false);
        UpstreamRequest request = adapter.toUpstream(bedrock(), arn, hello(), 2000, "AKIDEXAMPLE:" + SECRET);
        assertThat(request.url())
                .endsWith(
                        "/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Ainference-profile%2Fus.anthropic.claude-sonnet-4-20250514-v1%3A0/converse-stream");
        Matcher auth = authorization(request);
        assertThat(auth.group(6)).isEqualTo(expectedSignature(request, auth.group(5), SECRET));
    }

    @Test
    void aSessionTokenTravelsInItsOwnSignedHeader() {
        UpstreamRequest request = adapter.toUpstream(
                bedrock(),
                endpoint("anthropic/claude-3.5-haiku"),
                hello(),
                1000,
                "ASIAEXAMPLE:" + SECRET + ":FwoGZXIvYXdzEBYaDEXAMPLETOKEN");
        assertThat(header(request, "X-Amz-Security-Token")).isEqualTo("FwoGZXIvYXdzEBYaDEXAMPLETOKEN");
        Matcher auth = authorization(request);
        assertThat(auth.group(1)).isEqualTo("ASIAEXAMPLE");
        assertThat(auth.group(5)).isEqualTo("host;x-amz-content-sha256;x-amz-date;x-amz-security-token");
        assertThat(auth.group(6)).isEqualTo(expectedSignature(request, auth.group(5), SECRET));
    }

    @Test
    void aCredentialThatIsNotAKeyPairFailsWithoutQuotingIt() {
        for (String bad : List.of("just-an-api-key", "AKIDEXAMPLE:", ":" + SECRET, "a:b:c:")) {
            assertThatThrownBy(() ->
                            adapter.toUpstream(bedrock(), endpoint("anthropic/claude-3.5-haiku"), hello(), 1000, bad))
                    .isInstanceOfSatisfying(UpstreamFailure.class, e -> {
                        assertThat(e.errorClass()).isEqualTo(ErrorClass.AUTH);
                        assertThat(e.getMessage()).doesNotContain(bad);
                    });
        }
    }

    // ---- SigV4 by hand -------------------------------------------------------------------------

    /** The signature of {@code request} over {@code signedHeaders}, computed from the request as sent. */
    private static String expectedSignature(UpstreamRequest request, String signedHeaders, String secret) {
        URI uri = URI.create(request.url());
        StringBuilder canonicalHeaders = new StringBuilder();
        for (String name : signedHeaders.split(";")) {
            String value = name.equals("host") ? uri.getHost() : header(request, name);
            assertThat(value).as("signed header %s is sent", name).isNotNull();
            canonicalHeaders.append(name).append(':').append(value.strip()).append('\n');
        }
        String canonical = "POST\n" + canonicalUri(uri.getRawPath()) + "\n\n" + canonicalHeaders + "\n" + signedHeaders
                + "\n" + sha256Hex(request.body());
        Matcher auth = authorization(request);
        return signature(canonical, header(request, "X-Amz-Date"), auth.group(3), auth.group(4), secret);
    }

    /** Each path segment URI-encoded (again: the path is already encoded, so '%' becomes "%25"). */
    private static String canonicalUri(String rawPath) {
        StringBuilder out = new StringBuilder();
        for (String segment : rawPath.substring(1).split("/", -1)) {
            out.append('/');
            for (byte b : segment.getBytes(StandardCharsets.UTF_8)) {
                char c = (char) (b & 0xff);
                if (Character.isLetterOrDigit(c) && c < 128 || "-._~".indexOf(c) >= 0) {
                    out.append(c);
                } else {
                    out.append('%').append(HexFormat.of().withUpperCase().toHexDigits(b));
                }
            }
        }
        return out.toString();
    }

    private static String signature(
            String canonicalRequest, String amzDate, String region, String service, String secret) {
        String date = amzDate.substring(0, 8);
        String stringToSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + date + "/" + region + "/" + service
                + "/aws4_request\n" + sha256Hex(canonicalRequest.getBytes(StandardCharsets.UTF_8));
        byte[] key = hmac(("AWS4" + secret).getBytes(StandardCharsets.UTF_8), date);
        key = hmac(key, region);
        key = hmac(key, service);
        key = hmac(key, "aws4_request");
        return HexFormat.of().formatHex(hmac(key, stringToSign));
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- plumbing ------------------------------------------------------------------------------

    private static Matcher authorization(UpstreamRequest request) {
        String value = header(request, "Authorization");
        assertThat(value).isNotNull();
        Matcher m = AUTHORIZATION.matcher(value);
        assertThat(m.matches()).as("Authorization header %s", value).isTrue();
        return m;
    }

    private static String header(UpstreamRequest request, String name) {
        return request.headers().entrySet().stream()
                .filter(e -> e.getKey().equalsIgnoreCase(name))
                .map(Map.Entry::getValue)
                .findFirst()
                .orElse(null);
    }

    private ProviderSpec bedrock() {
        ProviderSpec provider = CATALOG.providers().stream()
                .filter(p -> p.name().equals("bedrock"))
                .findFirst()
                .orElseThrow();
        adapter.configure(provider);
        return provider;
    }

    private static EndpointSpec endpoint(String model) {
        return CATALOG.model(model).orElseThrow().endpoints().stream()
                .filter(e -> e.provider().equals("bedrock"))
                .findFirst()
                .orElseThrow();
    }

    private static ChatRequest hello() {
        return ChatRequest.of(
                "x/y", List.of(ChatMessage.text(ChatMessage.Role.USER, "Hello, Bedrock: 1 + 1 = ?")), true);
    }
}
