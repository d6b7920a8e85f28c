package dev.switchboard.wire;

/** Router → auth: add {@code nanos} to the hold of a streaming request whose running cost nears it; answers the new total. */
public record HoldExtension(long nanos, long holdNanos) {}
