package dev.switchboard.simulator;

/** One endpoint of a family (chat, streaming chat, embeddings, ...), serving an authenticated request. */
@FunctionalInterface
public interface Operation {

    void serve(Exchange exchange);
}
