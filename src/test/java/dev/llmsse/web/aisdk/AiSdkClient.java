package dev.llmsse.web.aisdk;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Vercel AI SDK's own chat client, run by Node: {@code src/test/node/aisdk/chat-client.mjs} with the {@code ai}
 * package that {@code npm ci} installed there from the committed lock file ({@code .ci/run} does). A run is one
 * scenario; its result is the JSON line the script prints.
 */
final class AiSdkClient {

    static final Path FOLDER = Path.of("src/test/node/aisdk");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private AiSdkClient() {
    }

    /** Skips the calling test outside CI when Node or the installed package is missing; fails in CI. */
    static void require() {
        String missing = null;
        if (!onPath("node")) {
            missing = "node is not installed (Debian packages nodejs and npm; .ci/run installs them)";
        } else if (!Files.isDirectory(FOLDER.resolve("node_modules/ai"))) {
            missing = "the ai package is not installed: run npm ci in " + FOLDER + " (.ci/run does)";
        }
        if (missing != null && "true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(missing + " (CI=true: this test must not be skipped in CI)");
        }
        assumeTrue(missing == null, missing + ": skipped outside CI");
    }

    /** Runs {@code scenario} with {@code options} (see the script's header) and returns what it printed. */
    static JsonNode run(String scenario, Map<String, Object> options) {
        try {
            Path stdout = Files.createTempFile("aisdk-client-", ".stdout");
            Path stderr = Files.createTempFile("aisdk-client-", ".stderr");
            try {
                Process node = new ProcessBuilder("node", "chat-client.mjs", scenario, JSON.writeValueAsString(options))
                        .directory(FOLDER.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                        .redirectOutput(stdout.toFile())
                        .redirectError(stderr.toFile())
                        .start();
                // The script ends itself after 60 s without a result; this bound is only against a hung process.
                if (!node.waitFor(90, TimeUnit.SECONDS)) {
                    node.destroyForcibly();
                    throw new AssertionError("the AI SDK client did not exit:\n" + Files.readString(stderr));
                }
                String printed = Files.readString(stdout).trim();
                if (node.exitValue() != 0 || printed.isEmpty()) {
                    throw new AssertionError("the AI SDK client failed (exit " + node.exitValue() + "): " + printed
                            + "\n" + Files.readString(stderr));
                }
                return JSON.readTree(printed.substring(printed.lastIndexOf('\n') + 1));
            } finally {
                Files.deleteIfExists(stdout);
                Files.deleteIfExists(stderr);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while the AI SDK client ran", e);
        }
    }

    private static boolean onPath(String command) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }
}
