package dev.switchboard.wire;

import java.util.List;

/** Router → auth: requests that ended, each with its hold and cost, sent together (see {@link HoldFinish}). */
public record HoldFinishes(List<Item> holds) {

    public HoldFinishes {
        holds = holds == null ? List.of() : List.copyOf(holds);
    }

    public record Item(String holdId, long costNanos) {}
}
