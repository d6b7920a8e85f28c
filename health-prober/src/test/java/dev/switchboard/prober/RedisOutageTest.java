package dev.switchboard.prober;

import dev.switchboard.events.health.HealthKeys;
import dev.switchboard.testsupport.KafkaResource;
import dev.switchboard.testsupport.RedisProcess;
import dev.switchboard.testsupport.SimulatorResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.awaitility.Awaitility.await;

/** Redis goes away and comes back: the prober keeps running and its statuses return on their own. */
@QuarkusTest
@TestProfile(RedisOutageTest.OwnRedis.class)
class RedisOutageTest {

    public static class OwnRedis implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(
                    new TestResourceEntry(RedisProcess.class),
                    new TestResourceEntry(KafkaResource.class),
                    new TestResourceEntry(SimulatorResource.class));
        }
    }

    /** EXISTS over a raw socket: the test must not depend on the client under test to read Redis. */
    private static boolean statusExists(String provider) {
        try (Socket socket = new Socket("127.0.0.1", RedisProcess.port())) {
            socket.setSoTimeout(2_000);
            String key = HealthKeys.status(provider);
            OutputStream out = socket.getOutputStream();
            out.write(("*2\r\n$6\r\nEXISTS\r\n$" + key.length() + "\r\n" + key + "\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] reply = new byte[4];
            int n = in.read(reply);
            return n >= 2 && reply[0] == ':' && reply[1] == '1';
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void theProberOutlivesARedisOutageAndRecovers() {
        await().atMost(Duration.ofSeconds(10)).until(() -> statusExists("openai"));

        RedisProcess.stopServer();
        await().pollDelay(Duration.ofSeconds(4))
                .atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> RestAssured.get("/q/health/live").then().statusCode(200));

        RedisProcess.startServer(); // same port, empty: every status must be written anew
        // each provider's status comes with its own probe, so they return one by one within a round or two
        await().atMost(Duration.ofSeconds(15)).until(() -> statusExists("openai") && statusExists("together"));
    }
}
