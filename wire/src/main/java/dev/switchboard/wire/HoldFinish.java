package dev.switchboard.wire;

/** Router → auth: the request ended and cost {@code costNanos}; what its hold reserved beyond that is free again. */
public record HoldFinish(long costNanos) {}
