package dev.llmsse.provider.testing;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds {@code ../shared/provider-transcripts} beside the project. Surefire passes the path as the system
 * property {@code transcripts.dir}; IDE runs fall back to resolving it from the working directory. Where the
 * folder is missing, tests fail under {@code CI=true} (CI must run them) and are skipped otherwise.
 */
public final class SharedTranscripts {

    private SharedTranscripts() {
    }

    /** The shared transcripts folder, or a failed/aborted test if it is not there. */
    public static Path dir() {
        String configured = System.getProperty("transcripts.dir");
        Path dir = configured != null ? Path.of(configured) : Path.of("..", "shared", "provider-transcripts");
        if (!Files.isDirectory(dir)) {
            String message = "shared provider transcripts not found at " + dir.toAbsolutePath().normalize();
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                Assertions.fail(message + " (CI=true: these tests must run in CI)");
            }
            Assumptions.abort(message + "; skipping (set CI=true to make this a failure)");
        }
        return dir;
    }
}
