package dev.llmsse.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.llmsse.support.RawHttpClient;
import dev.llmsse.support.RawHttpClient.Exchange;
import dev.llmsse.support.RawHttpClient.Request;

import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.EventLoop;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * Issue 12 (overload): when the event loops that serve the streams fall behind, a new stream is refused with
 * 503 {@code overloaded} and a {@code Retry-After} before any byte of it, and admitted again once they catch
 * up. The loops are made to fall behind for real, by a task that holds each loop that carried a connection.
 * Before load shedding, the same request got a 200 and a stream that the stuck loop could not serve.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "gateway.http.max-loop-lag=200ms",
        "gateway.providers.echo.token-delay=1ms"})
@Import(LoadSheddingTest.RecordLoops.class)
class LoadSheddingTest {

    private static final Set<EventLoop> LOOPS = ConcurrentHashMap.newKeySet();

    @LocalServerPort
    int port;

    @Autowired
    MeterRegistry meters;

    @Test
    void aNewStreamIsRefusedWhileTheLoopsLagAndAdmittedOnceTheyCatchUp() throws Exception {
        RawHttpClient client = new RawHttpClient("127.0.0.1", port, Duration.ofSeconds(10));
        try (Exchange warm = client.send(Request.get("/actuator/health"))) {
            assertThat(warm.status()).isEqualTo(200);
        }
        assertThat(LOOPS).isNotEmpty();
        CountDownLatch release = new CountDownLatch(1);
        try {
            // A stuck loop: what a starved or cold process looks like to the streams it serves.
            LOOPS.forEach(loop -> loop.execute(() -> awaitQuietly(release)));
            await().atMost(Duration.ofSeconds(2))
                    .until(() -> meters.get("llmsse.http.loop.lag").gauge().value() > 0.2);
            try (Exchange refused = client.send(Request.get("/api/llm?prompt=hello"))) {
                assertThat(refused.status()).isEqualTo(503);
                assertThat(refused.headers().first("Retry-After")).isEqualTo("2");
                assertThat(refused.headers().first("Content-Type")).startsWith("application/problem+json");
                assertThat(new String(refused.readBody(Duration.ofSeconds(5)))).contains("\"code\":\"overloaded\"");
            }
        } finally {
            release.countDown();
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            try (Exchange admitted = client.send(Request.get("/api/llm?prompt=hello"))) {
                assertThat(admitted.status()).isEqualTo(200);
            }
        });
    }

    private static void awaitQuietly(CountDownLatch release) {
        try {
            // Bounded, so that a test that fails before releasing does not hold the server's loops for ever.
            release.await(3, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class RecordLoops {

        @Bean
        NettyServerCustomizer recordLoops() {
            return server -> server.doOnChannelInit((observer, channel, address) -> LOOPS.add(channel.eventLoop()));
        }
    }
}
