package dev.llmsse.arch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * A subscription nobody waits for has nobody to hear its error either: Reactor then drops the error to a
 * global hook, where it is easily lost. So every {@code .subscribe(} in the main code either passes an error
 * handler, or has a comment just above it that says why it needs none.
 */
class FireAndForgetSubscriptionsTest {

    @Test
    void everySubscriptionInTheMainCodeHandlesItsErrorsOrSaysWhyItNeedsNot() throws IOException {
        List<String> silent = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path file : files.filter(path -> path.toString().endsWith(".java")).toList()) {
                silent.addAll(silentSubscriptions(file));
            }
        }
        assertThat(silent).as("subscriptions without an error handler or a comment saying why none is needed")
                .isEmpty();
    }

    private static List<String> silentSubscriptions(Path file) throws IOException {
        String source = Files.readString(file);
        List<String> lines = source.lines().toList();
        List<String> silent = new ArrayList<>();
        int from = 0;
        for (int at = source.indexOf(".subscribe(", from); at >= 0; at = source.indexOf(".subscribe(", from)) {
            from = at + 1;
            int line = (int) source.substring(0, at).chars().filter(c -> c == '\n').count();
            if (topLevelArguments(source, at + ".subscribe(".length()) < 2 && !explainedAbove(lines, line)) {
                silent.add(file + ":" + (line + 1) + ": " + lines.get(line).strip());
            }
        }
        return silent;
    }

    /** The number of arguments of the call whose argument list starts at {@code open}. */
    private static int topLevelArguments(String source, int open) {
        int depth = 0;
        int arguments = 0;
        boolean any = false;
        for (int i = open; i < source.length(); i++) {
            char c = source.charAt(i);
            if (c == '(' || c == '{' || c == '[') {
                depth++;
            } else if (c == ')' || c == '}' || c == ']') {
                if (depth == 0) {
                    return any ? arguments + 1 : 0;
                }
                depth--;
            } else if (c == ',' && depth == 0) {
                arguments++;
            } else if (!Character.isWhitespace(c)) {
                any = true;
            }
        }
        return arguments;
    }

    /** A comment about errors on the lines just above the statement the call is in. */
    private static boolean explainedAbove(List<String> lines, int line) {
        int statement = line;
        while (statement > 0 && !lines.get(statement - 1).strip().endsWith(";")
                && !lines.get(statement - 1).strip().endsWith("{") && !lines.get(statement - 1).strip().startsWith("//")) {
            statement--;
        }
        for (int above = statement - 1; above >= 0 && lines.get(above).strip().startsWith("//"); above--) {
            if (lines.get(above).toLowerCase().contains("error")) {
                return true;
            }
        }
        return false;
    }
}
