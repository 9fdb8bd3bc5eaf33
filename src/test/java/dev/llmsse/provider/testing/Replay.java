package dev.llmsse.provider.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Stream;

import dev.llmsse.chat.StreamEvent;
import dev.llmsse.provider.WireJson;

import org.junit.jupiter.api.DynamicTest;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;

import reactor.core.publisher.Flux;

import tools.jackson.databind.JsonNode;

/**
 * Replays a recorded body through an adapter's decoding pipeline, in memory, cut at every offset (or, for
 * large bodies, at every interesting offset: inside UTF-8 characters, around line ends, between CR and LF),
 * byte by byte and in seeded random chunkings, asserting the same reconstruction every time.
 */
public final class Replay {

    /** What a transcript must rebuild, from its name (without extension) and its {@code X.expected.json}. */
    @FunctionalInterface
    public interface Expectation {
        Reconstructed of(String transcript, JsonNode expectedJson);
    }

    /** The project's own transcripts, whose {@code expected.json} is in {@link Reconstructed#fromJson} form. */
    public static final Expectation OWN = (transcript, json) -> Reconstructed.fromJson(json);

    private Replay() {
    }

    /**
     * One test per transcript {@code X.<extension>} of the folder: the body replayed through the pipeline at
     * every split, each time rebuilding what {@code expected} makes of {@code X}.
     */
    public static Stream<DynamicTest> replays(Path folder, String extension,
            Function<Flux<DataBuffer>, Flux<StreamEvent>> pipeline, Expectation expected) {
        return transcripts(folder, extension).stream().map(file -> DynamicTest.dynamicTest(
                file.getFileName().toString(), () -> everySplit(pipeline, bytes(file), expected(file, expected))));
    }

    /** What {@code expectation} makes of a transcript's name and its {@code X.expected.json}. */
    public static Reconstructed expected(Path transcript, Expectation expectation) {
        String name = transcript.getFileName().toString();
        return expectation.of(name.substring(0, name.lastIndexOf('.')),
                WireJson.parse(bytes(expectedFor(transcript))));
    }

    /**
     * The outcome ({@code done:<finishReason>} or {@code error:<code>}) a test's hand-written table gives a
     * transcript. The tables are literal so that a wrong mapping in the adapter under test fails the replay.
     */
    public static String outcome(Map<String, String> table, String transcript) {
        String outcome = table.get(transcript);
        if (outcome == null) {
            throw new AssertionError("no expected outcome for " + transcript + " in the test's table");
        }
        return outcome;
    }

    /** A test that the table names exactly the transcripts of the folder, so that none goes stale. */
    public static DynamicTest tableListsEveryTranscript(Map<String, String> table, Path folder, String extension) {
        return DynamicTest.dynamicTest("the outcome table lists exactly the transcripts of " + folder.getFileName(),
                () -> assertThat(new TreeSet<>(table.keySet())).isEqualTo(new TreeSet<>(transcripts(folder, extension)
                        .stream().map(file -> file.getFileName().toString())
                        .map(name -> name.substring(0, name.lastIndexOf('.'))).toList())));
    }

    /** Runs one pipeline over some chunks. */
    public static Reconstructed run(Function<Flux<DataBuffer>, Flux<StreamEvent>> pipeline, List<byte[]> chunks) {
        Flux<DataBuffer> body = Flux.fromIterable(chunks).map(DefaultDataBufferFactory.sharedInstance::wrap);
        return Reconstructed.of(pipeline.apply(body).materialize().collectList().block());
    }

    /** Asserts {@code expected} for the body cut in every way listed above. */
    public static void everySplit(Function<Flux<DataBuffer>, Flux<StreamEvent>> pipeline, byte[] body,
            Reconstructed expected) {
        assertThat(run(pipeline, List.of(body))).as("whole body").isEqualTo(expected);
        Random random = new Random(body.length);
        // Every offset of a small body; for a large one a sample whose size keeps the work per body bounded.
        int cap = Math.max(100, Math.min(1_500, 4_000_000 / Math.max(1, body.length)));
        for (int offset : Chunkings.interestingOffsets(body, 10_000, cap, random)) {
            assertThat(run(pipeline, Chunkings.splitAt(body, offset))).as("split at %d", offset).isEqualTo(expected);
        }
        assertThat(run(pipeline, Chunkings.bytewise(body))).as("byte by byte").isEqualTo(expected);
        for (int i = 0; i < 10; i++) {
            int max = 1 + random.nextInt(i % 2 == 0 ? 8 : 512);
            assertThat(run(pipeline, Chunkings.random(body, random, max))).as("random chunking %d", i)
                    .isEqualTo(expected);
        }
    }

    /** The transcripts {@code X.<extension>} of a folder, each with its {@code X.expected.json}. */
    public static List<Path> transcripts(Path folder, String extension) {
        try (Stream<Path> files = Files.list(folder)) {
            List<Path> found = new ArrayList<>(files.filter(file -> file.toString().endsWith("." + extension))
                    .sorted().toList());
            assertThat(found).as("transcripts in " + folder).isNotEmpty();
            return found;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code X.expected.json} beside {@code X.sse}. */
    public static Path expectedFor(Path transcript) {
        String name = transcript.getFileName().toString();
        return transcript.resolveSibling(name.substring(0, name.lastIndexOf('.')) + ".expected.json");
    }

    public static byte[] bytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A transcript's SSE events, each with its blank line, so that a local upstream can pace or pause between two. */
    public static List<byte[]> events(Path transcript) {
        String body = new String(bytes(transcript), java.nio.charset.StandardCharsets.UTF_8);
        List<byte[]> events = new ArrayList<>();
        for (String event : body.split("(?<=\r\n\r\n|\n\n)")) {
            events.add(event.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        return events;
    }
}
