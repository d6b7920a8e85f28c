package dev.switchboard.analytics.query;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Who a query is for and what it narrows to: an account (the account's own view, through the
 * edge) or every account (the operator's view, optionally one account), and optional model,
 * provider, key and status. Values are passed to ClickHouse as bound parameters.
 */
public record Filters(String account, String model, String provider, String key, String status) {

    private static final Pattern VALUE = Pattern.compile("[A-Za-z0-9_.:/@+-]{1,160}");

    public Filters {
        check("account_id", account);
        check("model", model);
        check("provider", provider);
        check("key", key);
        check("status", status);
    }

    public static Filters account(String account) {
        return new Filters(account, null, null, null, null);
    }

    private static void check(String name, String value) {
        if (value != null && !VALUE.matcher(value).matches()) {
            throw new IllegalArgumentException(name + " has characters a " + name + " cannot have");
        }
    }

    /**
     * The WHERE conditions for the columns a table has ({@code AND …} each, or nothing), and their
     * parameters put into {@code parameters}.
     */
    public String where(boolean hasKey, boolean hasStatus, Map<String, Object> parameters) {
        StringBuilder sql = new StringBuilder();
        add(sql, parameters, "account_id", "f_account", account);
        add(sql, parameters, "model", "f_model", model);
        add(sql, parameters, "provider", "f_provider", provider);
        if (hasKey) {
            add(sql, parameters, "key_id", "f_key", key);
        }
        if (hasStatus) {
            add(sql, parameters, "status", "f_status", status);
        }
        return sql.toString();
    }

    public Map<String, Object> windowParameters(Window window) {
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("from", window.fromMillis());
        parameters.put("to", window.toMillis());
        parameters.put("bucket", window.bucketSeconds());
        long[] quarters = window.quarters();
        parameters.put("quarters_from", quarters[0]);
        parameters.put("quarters_to", quarters[1]);
        return parameters;
    }

    private static void add(
            StringBuilder sql, Map<String, Object> parameters, String column, String name, String value) {
        if (value != null) {
            sql.append(" AND ").append(column).append(" = {").append(name).append(":String}");
            parameters.put(name, value);
        }
    }
}
