package dev.switchboard.edge.rest;

import dev.switchboard.edge.config.EdgeConfig;
import dev.switchboard.edge.dialect.AnthropicRequestParser;
import dev.switchboard.edge.dialect.AnthropicResponses;
import dev.switchboard.edge.dialect.LegacyCompletions;
import dev.switchboard.edge.dialect.OpenAiRequestParser;
import dev.switchboard.edge.dialect.OpenAiResponses;
import dev.switchboard.edge.rest.PublicApi.Doc;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The generation endpoints, one per client dialect, all served by {@link GenerationFlow}:
 * {@code POST /chat/completions} (OpenAI / OpenRouter), {@code POST /completions} (legacy prompt)
 * and {@code POST /messages} (Anthropic Messages, with Anthropic's error shape).
 */
@ApplicationScoped
public class CompletionRoutes {

    private final GenerationFlow flow;
    private final OpenAiRequestParser chat;
    private final LegacyCompletions legacy;
    private final AnthropicRequestParser anthropic;

    public CompletionRoutes(GenerationFlow flow, EdgeConfig config) {
        this.flow = flow;
        this.chat = new OpenAiRequestParser(config.maxJsonDepth());
        this.legacy = new LegacyCompletions(config.maxJsonDepth());
        this.anthropic = new AnthropicRequestParser(config.maxJsonDepth());
    }

    void register(@Observes Router router, PublicApi api) {
        api.post(
                router,
                "/chat/completions",
                Doc.of(
                                "Chat completion (OpenAI / OpenRouter dialect; stream with SSE)",
                                "inference key",
                                200,
                                400,
                                401,
                                402,
                                403,
                                404,
                                408,
                                413,
                                429,
                                502,
                                503)
                        .describedAs(
                                "OpenAI's chat-completions body plus OpenRouter's models, provider and :nitro / :floor"),
                ctx -> flow.serve(
                        ctx,
                        PublicApi.bearerKey(ctx),
                        chat.parse(ctx.body().buffer().getBytes()),
                        (id, model) -> new OpenAiResponses(id, System.currentTimeMillis() / 1000, model)));
        api.post(
                router,
                "/completions",
                Doc.of(
                        "Legacy completion from a prompt",
                        "inference key",
                        200,
                        400,
                        401,
                        402,
                        403,
                        404,
                        408,
                        413,
                        429,
                        502,
                        503),
                ctx -> flow.serve(
                        ctx,
                        PublicApi.bearerKey(ctx),
                        legacy.parse(ctx.body().buffer().getBytes()),
                        (id, model) -> new LegacyCompletions.Responses(id, System.currentTimeMillis() / 1000, model)));
        api.post(
                router,
                "/messages",
                PublicApi.ErrorShape.ANTHROPIC,
                Doc.of(
                        "Anthropic Messages (any routed model; stream with Anthropic's SSE events)",
                        "inference key",
                        200,
                        400,
                        401,
                        402,
                        403,
                        404,
                        408,
                        413,
                        429,
                        502,
                        503),
                ctx -> flow.serve(
                        ctx,
                        PublicApi.bearerKey(ctx),
                        anthropic.parse(ctx.body().buffer().getBytes()),
                        AnthropicResponses::new));
    }
}
