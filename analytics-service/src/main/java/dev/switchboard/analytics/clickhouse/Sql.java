package dev.switchboard.analytics.clickhouse;

import java.util.Collection;

/** SQL text built in code, for what the client's parameters cannot carry (long id lists). */
public final class Sql {

    private Sql() {}

    /** The inside of a single-quoted ClickHouse string literal. */
    public static String escape(String value) {
        StringBuilder out = new StringBuilder(value.length() + 8);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\'' -> out.append("\\'");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\0' -> out.append("\\0");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** {@code ('a', 'b')}: a tuple of string literals for {@code IN}; never empty ({@code ('')}). */
    public static String stringTuple(Collection<String> values) {
        if (values.isEmpty()) {
            return "('')";
        }
        StringBuilder out = new StringBuilder(values.size() * 40);
        out.append('(');
        for (String value : values) {
            if (out.length() > 1) {
                out.append(", ");
            }
            out.append('\'').append(escape(value)).append('\'');
        }
        return out.append(')').toString();
    }
}
