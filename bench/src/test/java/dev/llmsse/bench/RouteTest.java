package dev.llmsse.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class RouteTest {

    private static final String HOST = "127.0.0.1:8080";

    @Test
    void primaryIsAGetOfUrlsPathWithItsWarmupVariant() {
        Route route = Route.primary(new Args(new String[] {"--warmup-url", "http://127.0.0.1:8080/w?rid={rid}"}),
                HOST, "/m?rid={rid}");
        assertEquals("/m?rid=7", route.path(false, "7"));
        assertEquals("/w?rid=7", route.path(true, "7"));
        assertNull(route.body(false, "7"));
    }

    @Test
    void alternateIsAPostOnTheSameServerWithItsOwnWarmupBody() {
        Route alt = Route.alternate(new Args(new String[] {"--alt-url", "http://127.0.0.1:8080/v1/chat/completions",
                "--alt-body", "{\"m\":\"t200\",\"p\":\"rid={rid}\"}", "--warmup-alt-body", "{\"m\":\"t5\"}"}), HOST);
        assertEquals("/v1/chat/completions", alt.path(false, "3"));
        assertEquals("/v1/chat/completions", alt.path(true, "3"));
        assertArrayEquals("{\"m\":\"t200\",\"p\":\"rid=3\"}".getBytes(StandardCharsets.UTF_8), alt.body(false, "3"));
        assertArrayEquals("{\"m\":\"t5\"}".getBytes(StandardCharsets.UTF_8), alt.body(true, "3"));
    }

    @Test
    void noAlternateWithoutAltUrlAndItsOptionsNeedIt() {
        assertNull(Route.alternate(new Args(new String[] {"--body", "{}"}), HOST));
        assertThrows(IllegalArgumentException.class,
                () -> Route.alternate(new Args(new String[] {"--alt-body", "{}"}), HOST));
        assertThrows(IllegalArgumentException.class,
                () -> Route.alternate(new Args(new String[] {"--alt-url", "http://127.0.0.1:9090/x"}), HOST));
        assertThrows(IllegalArgumentException.class, () -> Route.alternate(new Args(new String[] {
            "--alt-url", "http://127.0.0.1:8080/x", "--warmup-alt-body", "{}"}), HOST));
    }
}
