package dev.llmsse.session.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import dev.llmsse.session.LoggedEvent;
import dev.llmsse.support.CuttableTcpProxy;
import dev.llmsse.support.RealRedis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.TimeoutOptions;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.connection.stream.RecordId;
import org.springframework.data.redis.connection.stream.StreamRecords;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.ReactiveRedisMessageListenerContainer;

import reactor.core.Disposable;
import reactor.core.scheduler.Schedulers;

/**
 * The mirror against the real Redis, its writes going through a proxy the test can hold: batches form while
 * one is in flight, a retried batch is stored once, and followers read every event once, in order.
 */
@ExtendWith(OutputCaptureExtension.class)
class RedisEventLogTest {

    /** Short, so that a held batch times out soon; long enough that an unheld one never does. */
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(1);
    /**
     * For a batch held on purpose that must stay in flight until the test lets it go: with 1 s it timed out in a
     * loaded CI run before the test had appended its 200 events and resumed, and its retry came after the wait.
     */
    private static final Duration IN_FLIGHT_TIMEOUT = Duration.ofSeconds(30);

    private final String id = "g" + UUID.randomUUID().toString().replace("-", "");
    private final RedisKeys keys = new RedisKeys("llmsse-test-" + UUID.randomUUID());
    private final RedisStoreSettings settings = new RedisStoreSettings(Duration.ofSeconds(3), Duration.ofMillis(200),
            100_000, Duration.ofMinutes(1), Duration.ofMinutes(5));
    private final List<AutoCloseable> resources = new ArrayList<>();
    private CuttableTcpProxy proxy;
    private ReactiveStringRedisTemplate direct;
    private RedisSessionStore viaProxy;
    private final List<String> notified = new CopyOnWriteArrayList<>();

    @BeforeEach
    void connect() throws Exception {
        RealRedis.require();
        proxy = new CuttableTcpProxy(RealRedis.HOST, RealRedis.PORT);
        resources.add(proxy);
        direct = new ReactiveStringRedisTemplate(factory(RealRedis.PORT));
        viaProxy = store(proxy.port());
    }

    @AfterEach
    void disconnect() throws Exception {
        for (int index = resources.size() - 1; index >= 0; index--) {
            resources.get(index).close();
        }
    }

    @Test
    void eventsAppendedWhileABatchIsInFlightGoOutInOneBatchWithOneNotification() {
        listenForNotifications();
        RedisEventLog log = (RedisEventLog) store(proxy.port(), IN_FLIGHT_TIMEOUT).log(id);
        proxy.stallOn("EVALSHA");
        log.append(token(1));
        // The first batch is held at the proxy: every later event waits for it, then all go in one batch.
        await().atMost(10, TimeUnit.SECONDS).until(proxy::holding);
        appendTokens(log, 2, 200);
        log.append(done(201));
        proxy.resume();

        await().atMost(10, TimeUnit.SECONDS).until(() -> notified.contains("201"));
        assertThat(notified).containsExactly("1", "201");
        assertThat(readAll()).containsExactlyElementsOf(LongStream.rangeClosed(1, 201).boxed().toList());
    }

    @Test
    void batchesOfSeveralGenerationsAppendedWhileACallIsInFlightAreAllStoredAndNotifiedOncePerLog() {
        List<String> others = List.of(id + "-b", id + "-c", id + "-d");
        others.forEach(this::listenForNotifications);
        RedisSessionStore store = store(proxy.port(), IN_FLIGHT_TIMEOUT);
        proxy.stallOn("EVALSHA");
        store.log(id).append(token(1));
        // The first call is held at the proxy; the other generations' batches wait for it, then share a call.
        await().atMost(10, TimeUnit.SECONDS).until(proxy::holding);
        for (String other : others) {
            RedisEventLog log = (RedisEventLog) store.log(other);
            appendTokens(log, 1, 50);
            log.append(done(51));
        }
        proxy.resume();

        // Each generation's first event went out in one call after the held one, the rest in the call after that.
        await().atMost(10, TimeUnit.SECONDS).until(() -> notified.size() == 2 * others.size());
        assertThat(notified).containsExactlyInAnyOrder("1", "1", "1", "51", "51", "51");
        for (String other : others) {
            assertThat(readAll(other)).containsExactlyElementsOf(LongStream.rangeClosed(1, 51).boxed().toList());
        }
    }

    @Test
    void aFirstTryThatFindsItsLogAheadOfItFailsAndItsRetrySkipsWhatTheLogHolds(CapturedOutput output) {
        // A first try does not read the log's end: were the log ahead all the same, XADD refuses the ids.
        for (long seq = 1; seq <= 5; seq++) {
            direct.opsForStream().add(StreamRecords.string(Map.of("e", "", "d", "stored", "t", "0"))
                    .withStreamKey(keys.log(id)).withId(RecordId.of(seq, 0))).block(Duration.ofSeconds(5));
        }
        RedisEventLog log = (RedisEventLog) store(RealRedis.PORT).log(id);
        appendTokens(log, 1, 7);
        log.append(done(8));

        await().atMost(10, TimeUnit.SECONDS).until(() -> readAll().size() == 8);
        assertThat(readAll()).containsExactlyElementsOf(LongStream.rangeClosed(1, 8).boxed().toList());
        assertThat(direct.<String, String>opsForStream().range(keys.log(id), Range.unbounded())
                .map(record -> record.getValue().get("d")).collectList().block(Duration.ofSeconds(5)))
                .as("what the log held is kept, not written again").startsWith("stored", "stored", "stored",
                        "stored", "stored")
                .endsWith("{\"done\":true}");
        assertThat(output.getOut()).contains("could not mirror generation " + id).contains("equal or smaller");
    }

    @Test
    void aLogThatCannotBeWrittenFailsOnlyItsOwnGenerationsBatches(CapturedOutput output) {
        String broken = id + "-broken";
        direct.opsForValue().set(keys.log(broken), "not a stream", Duration.ofMinutes(1)).block(Duration.ofSeconds(5));
        RedisSessionStore store = store(RealRedis.PORT);
        RedisEventLog healthy = (RedisEventLog) store.log(id);
        RedisEventLog wrongType = (RedisEventLog) store.log(broken);
        for (long seq = 1; seq <= 100; seq++) {
            wrongType.append(token(seq));
            healthy.append(token(seq));
        }
        healthy.append(done(101));

        await().atMost(10, TimeUnit.SECONDS).until(() -> readAll().size() == 101);
        assertThat(readAll()).containsExactlyElementsOf(LongStream.rangeClosed(1, 101).boxed().toList());
        assertThat(output.getOut()).contains("could not mirror generation " + broken)
                .contains("WRONGTYPE").doesNotContain("could not mirror generation " + id + " ");
    }

    @Test
    void aBatchThatTimedOutButWasStoredIsNotStoredTwiceWhenItGoesOutAgain(CapturedOutput output) {
        RedisEventLog log = (RedisEventLog) viaProxy.log(id);
        proxy.stallOn("EVALSHA");
        log.append(token(1));
        appendTokens(log, 2, 10);
        // The held batch times out; its retries, with the events since, are held too.
        await().atMost(10, TimeUnit.SECONDS).until(() -> output.getOut().contains("could not mirror generation " + id));
        appendTokens(log, 11, 20);
        log.append(done(21));
        // Redis now runs the batch the client gave up on, then the retries that carry it again.
        proxy.resume();

        await().atMost(20, TimeUnit.SECONDS)
                .until(() -> output.getOut().contains("mirroring generation " + id + " to Redis again"));
        await().atMost(10, TimeUnit.SECONDS).until(() -> readAll().size() == 21);
        assertThat(readAll()).containsExactlyElementsOf(LongStream.rangeClosed(1, 21).boxed().toList());
        assertThat(output.getOut().split("could not mirror generation " + id, -1)).as("logged once per outage")
                .hasSize(2);
    }

    @Test
    void aFollowerOnAnotherConnectionReadsEveryEventOnceInOrderWhileTheyAreWrittenInBatches() {
        var followed = store(RealRedis.PORT).log(id).follow(0).map(LoggedEvent::seq).collectList().toFuture();
        RedisEventLog log = (RedisEventLog) viaProxy.log(id);
        for (long seq = 1; seq < 2000; seq++) {
            log.append(token(seq));
        }
        log.append(done(2000));

        await().atMost(20, TimeUnit.SECONDS).until(followed::isDone);
        assertThat(followed.join()).containsExactlyElementsOf(LongStream.rangeClosed(1, 2000).boxed().toList());
    }

    private void listenForNotifications() {
        listenForNotifications(id);
    }

    private void listenForNotifications(String generation) {
        LettuceConnectionFactory connections = factory(RealRedis.PORT);
        ReactiveRedisMessageListenerContainer container = new ReactiveRedisMessageListenerContainer(connections);
        resources.add(container::destroy);
        Disposable listening = container.receiveLater(ChannelTopic.of(keys.appended(generation)))
                .block(Duration.ofSeconds(5))
                .map(message -> message.getMessage()).subscribe(notified::add);
        resources.add(listening::dispose);
    }

    /** The seqs the log holds, straight from the stream. */
    private List<Long> readAll() {
        return readAll(id);
    }

    private List<Long> readAll(String generation) {
        return direct.<String, String>opsForStream().range(keys.log(generation), Range.unbounded())
                .map(record -> record.getId().getTimestamp()).collectList().block(Duration.ofSeconds(5));
    }

    private RedisSessionStore store(int port) {
        return store(port, COMMAND_TIMEOUT);
    }

    private RedisSessionStore store(int port, Duration commandTimeout) {
        LettuceConnectionFactory connections = factory(port, commandTimeout);
        RedisChannels channels = new RedisChannels(connections);
        resources.add(channels);
        return new RedisSessionStore(new ReactiveStringRedisTemplate(connections), channels, keys, settings,
                Schedulers.parallel());
    }

    /** As the gateway connects: commands fail at once while disconnected, and time out. */
    private LettuceConnectionFactory factory(int port) {
        return factory(port, COMMAND_TIMEOUT);
    }

    private LettuceConnectionFactory factory(int port, Duration commandTimeout) {
        LettuceClientConfiguration client = LettuceClientConfiguration.builder().commandTimeout(commandTimeout)
                .clientOptions(ClientOptions.builder()
                        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                        .timeoutOptions(TimeoutOptions.enabled(commandTimeout)).build())
                .build();
        LettuceConnectionFactory connections = new LettuceConnectionFactory(
                new RedisStandaloneConfiguration(RealRedis.HOST, port), client);
        connections.afterPropertiesSet();
        connections.start();
        resources.add(connections::destroy);
        return connections;
    }

    private static void appendTokens(RedisEventLog log, long from, long to) {
        for (long seq = from; seq <= to; seq++) {
            log.append(token(seq));
        }
    }

    private static LoggedEvent token(long seq) {
        return new LoggedEvent(seq, null, "{\"token\":\"t" + seq + "\"}", false);
    }

    private static LoggedEvent done(long seq) {
        return new LoggedEvent(seq, "done", "{\"done\":true}", true);
    }
}
