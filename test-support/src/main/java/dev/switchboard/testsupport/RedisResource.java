package dev.switchboard.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.net.URI;
import java.util.Map;

/**
 * Points a service at the real Redis of the local stack, in logical database 15 so tests never
 * touch the keys of a running {@code make run} stack (database 0).
 */
public final class RedisResource implements QuarkusTestResourceLifecycleManager {

    public static final int TEST_DATABASE = 15;

    public static String url() {
        URI redis = LocalStack.redis();
        int port = redis.getPort() < 0 ? 6379 : redis.getPort();
        return "redis://" + redis.getHost() + ":" + port + "/" + TEST_DATABASE;
    }

    @Override
    public Map<String, String> start() {
        LocalStack.requireListening("Redis", LocalStack.redis(), 6379);
        return Map.of("quarkus.redis.hosts", url());
    }

    @Override
    public void stop() {}
}
