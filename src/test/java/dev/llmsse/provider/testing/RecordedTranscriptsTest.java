package dev.llmsse.provider.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The copied recordings are still the recorded bytes: each transcript has the size and sha256 its
 * {@code .source.txt} states (a checkout or editor that rewrites line ends would break the replay tests'
 * premise silently otherwise), and each has an {@code .expected.json}.
 */
class RecordedTranscriptsTest {

    private static final List<String> FOLDERS = List.of("openai", "openai-responses", "anthropic", "ollama", "gemini");
    private static final Pattern BYTES = Pattern.compile("(?m)^bytes: (\\d+)$");
    private static final Pattern SHA256 = Pattern.compile("(?m)^sha256: ([0-9a-f]{64})$");

    @TestFactory
    Stream<DynamicTest> everyTranscriptIsTheRecordedBytes() {
        return FOLDERS.stream().flatMap(folder -> {
            Path dir = RecordedTranscripts.dir(folder);
            List<Path> transcripts = Replay.transcripts(dir, folder.equals("ollama") ? "ndjson" : "sse");
            return transcripts.stream().map(file -> DynamicTest.dynamicTest(folder + "/" + file.getFileName(),
                    () -> assertRecorded(file)));
        });
    }

    private static void assertRecorded(Path file) throws IOException {
        String name = file.getFileName().toString();
        Path source = file.resolveSibling(name.substring(0, name.lastIndexOf('.')) + ".source.txt");
        assertThat(source).exists();
        assertThat(Replay.expectedFor(file)).exists();
        String description = Files.readString(source, StandardCharsets.UTF_8);
        byte[] body = Files.readAllBytes(file);
        assertThat(body.length).as("bytes").isEqualTo(Integer.parseInt(field(BYTES, description)));
        assertThat(sha256(body)).as("sha256").isEqualTo(field(SHA256, description));
    }

    private static String field(Pattern pattern, String description) {
        Matcher matcher = pattern.matcher(description);
        assertThat(matcher.find()).as("%s in the source description", pattern).isTrue();
        return matcher.group(1);
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
