package dev.switchboard.router.health;

/** A provider's state as the health prober last published it. */
public enum ProviderState {
    UP,
    DEGRADED,
    DOWN,
    UNKNOWN;

    public static ProviderState parse(String value) {
        if (value == null) {
            return UNKNOWN;
        }
        return switch (value) {
            case "up" -> UP;
            case "degraded" -> DEGRADED;
            case "down" -> DOWN;
            default -> UNKNOWN;
        };
    }
}
