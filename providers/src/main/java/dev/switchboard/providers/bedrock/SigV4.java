package dev.switchboard.providers.bedrock;

import dev.switchboard.providers.UpstreamFailure;
import dev.switchboard.wire.ErrorClass;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;

import java.net.URI;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * Signs a Bedrock request with AWS Signature Version 4 through the AWS SDK's signer (service
 * {@code bedrock}, payload hash signed). The credential string is
 * {@code accessKeyId:secretAccessKey} or {@code accessKeyId:secretAccessKey:sessionToken}; only
 * the signature, the access key id in it and the session token (AWS's own header) leave here.
 */
final class SigV4 {

    private static final AwsV4HttpSigner SIGNER = AwsV4HttpSigner.create();

    private SigV4() {}

    /** The signed headers of {@code POST url} with {@code body}, at {@code clock}'s time. */
    static Map<String, String> sign(String url, byte[] body, String credential, String region, Clock clock) {
        AwsCredentialsIdentity identity = identity(credential);
        SdkHttpRequest request = SdkHttpRequest.builder()
                .method(SdkHttpMethod.POST)
                .uri(URI.create(url))
                .build();
        SignedRequest signed = SIGNER.sign(r -> r.request(request)
                .payload(ContentStreamProvider.fromByteArrayUnsafe(body))
                .identity(identity)
                .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, "bedrock")
                .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                .putProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, true)
                .putProperty(HttpSigner.SIGNING_CLOCK, clock));
        Map<String, String> headers = new HashMap<>();
        signed.request().forEachHeader((name, values) -> {
            // the HTTP client writes Host from the same URL (host, and port unless the default), as signed
            if (!"Host".equalsIgnoreCase(name)) {
                headers.put(name, String.join(",", values));
            }
        });
        return headers;
    }

    private static AwsCredentialsIdentity identity(String credential) {
        String[] parts = credential.split(":", -1);
        for (String part : parts) {
            if (part.isBlank()) {
                throw malformedCredential();
            }
        }
        return switch (parts.length) {
            case 2 -> AwsCredentialsIdentity.create(parts[0], parts[1]);
            case 3 -> AwsSessionCredentialsIdentity.create(parts[0], parts[1], parts[2]);
            default -> throw malformedCredential();
        };
    }

    /** Retryable like any credential problem: another provider may still answer. The message never quotes the credential. */
    private static UpstreamFailure malformedCredential() {
        return new UpstreamFailure(
                ErrorClass.AUTH,
                "the credential of a bedrock-converse provider must be accessKeyId:secretAccessKey or accessKeyId:secretAccessKey:sessionToken",
                null);
    }
}
