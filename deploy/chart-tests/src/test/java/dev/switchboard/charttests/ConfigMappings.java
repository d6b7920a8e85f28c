package dev.switchboard.charttests;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The property names a {@code @ConfigMapping} interface reads, from its source: the prefix, then each
 * method in kebab case, nested groups (methods returning an interface of the same file) recursively.
 * Enough for this project's mappings (no {@code @WithName}, no maps; checked by the tests that use it).
 */
final class ConfigMappings {

    private static final Pattern MAPPING =
            Pattern.compile("@ConfigMapping\\(\\s*prefix\\s*=\\s*\"([^\"]+)\"\\s*\\)\\s*public\\s+interface\\s+(\\w+)");
    private static final Pattern INTERFACE = Pattern.compile("\\binterface\\s+(\\w+)[^{]*\\{");
    private static final Pattern METHOD = Pattern.compile("([\\w.<>,? ]+?)\\s+(\\w+)\\s*\\(\\s*\\)\\s*;");

    private ConfigMappings() {}

    static Set<String> properties(String source) {
        Set<String> out = new TreeSet<>();
        Matcher mapping = MAPPING.matcher(source);
        if (!mapping.find()) {
            return out;
        }
        String prefix = mapping.group(1);
        String code = stripStrings(stripComments(source));
        Map<String, String> bodies = new HashMap<>();
        Matcher iface = INTERFACE.matcher(code);
        while (iface.find()) {
            bodies.put(iface.group(1), ownBody(code, iface.end()));
        }
        expand(prefix, mapping.group(2), bodies, out, 0);
        return out;
    }

    private static void expand(String prefix, String iface, Map<String, String> bodies, Set<String> out, int depth) {
        if (depth > 8) {
            throw new IllegalStateException("config mapping nested too deep at " + prefix);
        }
        Matcher method = METHOD.matcher(bodies.get(iface));
        while (method.find()) {
            String type = method.group(1).strip();
            String name = prefix + "." + kebab(method.group(2));
            String inner = type.replaceAll("^Optional<(.+)>$", "$1");
            if (bodies.containsKey(inner)) {
                expand(name, inner, bodies, out, depth + 1);
            } else {
                out.add(name);
            }
        }
    }

    /** The body of the interface whose '{' ends at {@code start}, without the bodies of interfaces nested in it. */
    private static String ownBody(String code, int start) {
        StringBuilder own = new StringBuilder();
        int depth = 1;
        for (int i = start; i < code.length() && depth > 0; i++) {
            char c = code.charAt(i);
            if (c == '{') {
                depth++;
            } else if (c == '}') {
                depth--;
            } else if (depth == 1) {
                own.append(c);
            }
        }
        // a nested interface's header stays behind as "interface X" without a ';': it matches no method
        return own.toString();
    }

    static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
    }

    private static String stripComments(String source) {
        return source.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("//[^\n]*", " ");
    }

    private static String stripStrings(String source) {
        return source.replaceAll("\"(?:\\\\.|[^\"\\\\])*\"", "\"\"");
    }
}
