package dev.llmsse.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Minimal {@code --name value} / {@code --flag} command-line parsing; repeated options keep every value. */
final class Args {

    private final Map<String, List<String>> values = new LinkedHashMap<>();

    Args(String[] argv) {
        for (int i = 0; i < argv.length; i++) {
            String arg = argv[i];
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument: " + arg);
            }
            String name = arg.substring(2);
            String value;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else if (i + 1 < argv.length && !argv[i + 1].startsWith("--")) {
                value = argv[++i];
            } else {
                value = "true";
            }
            values.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
    }

    String string(String name, String fallback) {
        List<String> list = values.get(name);
        return list == null ? fallback : list.get(list.size() - 1);
    }

    List<String> all(String name) {
        return values.getOrDefault(name, List.of());
    }

    int integer(String name, int fallback) {
        String value = string(name, null);
        return value == null ? fallback : Integer.parseInt(value);
    }

    double number(String name, double fallback) {
        String value = string(name, null);
        return value == null ? fallback : Double.parseDouble(value);
    }

    boolean flag(String name) {
        String value = string(name, null);
        return value != null && !value.equals("false");
    }

    boolean has(String name) {
        return values.containsKey(name);
    }
}
