package dev.llmsse.provider.testing;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/**
 * Real provider recordings and the SSE conformance cases, copied from the team's shared folder into
 * {@code src/test/resources/provider-transcripts/} (its README gives their sources), so that the tests need
 * nothing outside the repository.
 */
public final class RecordedTranscripts {

    private RecordedTranscripts() {
    }

    /** The classpath folder {@code provider-transcripts/<folder>}: {@code anthropic}, {@code sse-conformance}, … */
    public static Path dir(String folder) {
        URL url = RecordedTranscripts.class.getResource("/provider-transcripts/" + folder);
        if (url == null) {
            throw new IllegalStateException("no recorded transcripts in provider-transcripts/" + folder);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The recording {@code folder/name}, e.g. {@code openai/chat-text.sse}. */
    public static Path file(String transcript) {
        int slash = transcript.indexOf('/');
        return dir(transcript.substring(0, slash)).resolve(transcript.substring(slash + 1));
    }
}
