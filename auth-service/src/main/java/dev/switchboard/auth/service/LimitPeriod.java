package dev.switchboard.auth.service;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;

/**
 * The periods a key's spending limit resets on, all in UTC: a day starts at midnight, a week on
 * Monday, a month on its first day; {@code never} is one period since the epoch.
 */
public enum LimitPeriod {
    DAILY,
    WEEKLY,
    MONTHLY,
    NEVER;

    public static LimitPeriod parse(String value) {
        if (value == null) {
            return NEVER;
        }
        return switch (value) {
            case "daily" -> DAILY;
            case "weekly" -> WEEKLY;
            case "monthly" -> MONTHLY;
            case "never" -> NEVER;
            default -> throw AuthException.badRequest("limit_reset must be daily, weekly, monthly or never");
        };
    }

    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Start of the period that contains {@code at}. */
    public Instant start(Instant at) {
        LocalDate day = at.atZone(ZoneOffset.UTC).toLocalDate();
        LocalDate start = switch (this) {
            case DAILY -> day;
            case WEEKLY -> day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
            case MONTHLY -> day.withDayOfMonth(1);
            case NEVER -> LocalDate.EPOCH;
        };
        return start.atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    /** Start of the next period after the one containing {@code at}, or null for {@code never}. */
    public Instant next(Instant at) {
        LocalDate start = start(at).atZone(ZoneOffset.UTC).toLocalDate();
        LocalDate next = switch (this) {
            case DAILY -> start.plusDays(1);
            case WEEKLY -> start.plusWeeks(1);
            case MONTHLY -> start.plusMonths(1);
            case NEVER -> null;
        };
        return next == null ? null : next.atStartOfDay(ZoneOffset.UTC).toInstant();
    }
}
