package dev.switchboard.edge.rest;

import dev.switchboard.edge.config.EdgeConfig;
import dev.switchboard.edge.dialect.Dialect;
import dev.switchboard.edge.dialect.anthropic.AnthropicMessages;
import dev.switchboard.edge.dialect.completions.LegacyCompletions;
import dev.switchboard.edge.dialect.openai.OpenAiChat;
import dev.switchboard.edge.rest.PublicApi.Doc;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.List;

/**
 * The generation endpoints, one per client {@link Dialect}, all served by {@link GenerationFlow}:
 * {@code POST /chat/completions} (OpenAI / OpenRouter), {@code POST /completions} (legacy prompt)
 * and {@code POST /messages} (Anthropic Messages, with Anthropic's error shape).
 */
@ApplicationScoped
public class CompletionRoutes {

    /** What a generation can answer besides 200: the same for every dialect. */
    private static final Integer[] STATUSES = {200, 400, 401, 402, 403, 404, 408, 413, 429, 502, 503};

    private final GenerationFlow flow;
    private final List<Dialect> dialects;

    public CompletionRoutes(GenerationFlow flow, EdgeConfig config) {
        this.flow = flow;
        this.dialects = List.of(
                new OpenAiChat(config.maxJsonDepth()),
                new LegacyCompletions(config.maxJsonDepth()),
                new AnthropicMessages(config.maxJsonDepth()));
    }

    void register(@Observes Router router, PublicApi api) {
        for (Dialect dialect : dialects) {
            api.post(
                    router,
                    dialect.path(),
                    dialect::errorBody,
                    Doc.of(dialect.summary(), "inference key", STATUSES).describedAs(dialect.description()),
                    ctx -> flow.serve(
                            ctx,
                            PublicApi.bearerKey(ctx),
                            dialect.parse(ctx.body().buffer().getBytes()),
                            dialect));
        }
    }
}
