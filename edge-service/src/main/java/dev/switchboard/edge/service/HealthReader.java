package dev.switchboard.edge.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.events.EventCodec;
import io.vertx.core.Future;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Provider statuses and uptime / latency statistics as the health prober publishes them in Redis,
 * for the model and provider listings. Read in one MGET; without Redis the listings say nothing
 * about health rather than failing.
 */
@ApplicationScoped
public class HealthReader {

    private final Redis redis;

    public HealthReader(Redis redis) {
        this.redis = redis;
    }

    /** Parsed JSON per key ({@code provider:{name}:status} or {@code health:{subject}:stats}); absent keys are left out. */
    public Future<Map<String, JsonNode>> read(List<String> keys) {
        if (keys.isEmpty()) {
            return Future.succeededFuture(Map.of());
        }
        Request mget = Request.cmd(Command.MGET);
        keys.forEach(mget::arg);
        return Future.fromCompletionStage(redis.send(mget).subscribeAsCompletionStage())
                .map(response -> {
                    Map<String, JsonNode> out = new HashMap<>();
                    for (int i = 0; i < keys.size(); i++) {
                        Response value = response.get(i);
                        if (value != null) {
                            try {
                                out.put(keys.get(i), EventCodec.mapper().readTree(value.toString()));
                            } catch (Exception ignored) {
                                // an unreadable entry is no information
                            }
                        }
                    }
                    return out;
                })
                .otherwise(Map.of());
    }
}
