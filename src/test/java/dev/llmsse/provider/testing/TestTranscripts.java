package dev.llmsse.provider.testing;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/** The project's own transcripts, written from each provider's API reference: {@code transcripts/<provider>/}. */
public final class TestTranscripts {

    private TestTranscripts() {
    }

    public static Path dir(String provider) {
        URL url = TestTranscripts.class.getResource("/transcripts/" + provider);
        if (url == null) {
            throw new IllegalStateException("no test transcripts for " + provider);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
