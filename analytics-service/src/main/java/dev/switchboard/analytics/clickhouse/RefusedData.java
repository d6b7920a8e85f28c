package dev.switchboard.analytics.clickhouse;

import com.clickhouse.client.api.ServerException;

import java.util.Set;

/** ClickHouse errors that mean "this data cannot be stored", as opposed to "try again later". */
public final class RefusedData {

    /**
     * CANNOT_PARSE_TEXT, CANNOT_PARSE_QUOTED_STRING, CANNOT_PARSE_INPUT_ASSERTION_FAILED,
     * ATTEMPT_TO_READ_AFTER_EOF, CANNOT_PARSE_DATE, CANNOT_PARSE_DATETIME, TYPE_MISMATCH,
     * ARGUMENT_OUT_OF_BOUND, CANNOT_CONVERT_TYPE, CANNOT_PARSE_NUMBER, INCORRECT_DATA,
     * TOO_LARGE_STRING_SIZE, VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE, CANNOT_INSERT_NULL_IN_ORDINARY_COLUMN,
     * CANNOT_PARSE_BOOL.
     */
    private static final Set<Integer> CODES = Set.of(6, 26, 27, 32, 38, 41, 53, 69, 70, 72, 117, 131, 321, 349, 467);

    private RefusedData() {}

    public static boolean is(ServerException e) {
        return CODES.contains(e.getCode());
    }

    /** The server's message, first line, without the stand-in's temporary file name. */
    public static String reason(ServerException e) {
        String message = String.valueOf(e.getMessage()).strip();
        int newline = message.indexOf('\n');
        String first = newline < 0 ? message : message.substring(0, newline);
        return first.length() > 300 ? first.substring(0, 300) : first;
    }
}
