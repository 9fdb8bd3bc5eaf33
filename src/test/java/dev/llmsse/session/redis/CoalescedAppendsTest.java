package dev.llmsse.session.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import dev.llmsse.session.LoggedEvent;

import org.junit.jupiter.api.Test;

import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * How batches of many generations share script calls, against a script whose every call the test answers by
 * hand (the script itself runs against the real Redis in {@code RedisEventLogTest}).
 */
class CoalescedAppendsTest {

    private final RedisKeys keys = new RedisKeys("p");
    private final RedisStoreSettings settings = new RedisStoreSettings(Duration.ofSeconds(3), Duration.ofMillis(200),
            1000, Duration.ofMinutes(1), Duration.ofMinutes(5));
    private final HeldScript script = new HeldScript();
    private final CoalescedAppends appends = new CoalescedAppends(script, keys, settings, true);

    @Test
    void batchesOfEveryGenerationSubmittedWhileACallIsInFlightGoOutTogetherInTheNextCall() {
        List<String> settled = new CopyOnWriteArrayList<>();
        write("a", 1, settled);
        assertThat(script.calls).as("a free connection sends at once").hasSize(1);

        write("b", 1, settled);
        write("c", 1, settled);
        write("d", 1, settled);
        assertThat(script.calls).as("nothing more is sent while a call is in flight").hasSize(1);

        script.answer(0, "1");
        assertThat(settled).containsExactly("a");
        assertThat(script.calls).hasSize(2);
        assertThat(script.calls.get(1).logs()).containsExactly(keys.log("b"), keys.log("c"), keys.log("d"));
        assertThat(script.calls.get(1).args()).startsWith("300000", "1000", keys.appended("b"), "0", "1", "1", "", "t1", "0");

        script.answer(1, "1", "1", "1");
        assertThat(settled).containsExactly("a", "b", "c", "d");
    }

    @Test
    void aGenerationThatSubmitsItsNextBatchWhenTheLastIsStoredWaitsForTheNextCallWithTheOthers() {
        List<String> settled = new CopyOnWriteArrayList<>();
        appends.write("a", batch(1), false).subscribe(null, null, () -> {
            settled.add("a");
            write("a", 2, settled);
        });
        write("b", 1, settled);

        script.answer(0, "1");

        assertThat(script.calls).hasSize(2);
        assertThat(script.calls.get(1).logs()).as("b came first, a's next batch after it")
                .containsExactly(keys.log("b"), keys.log("a"));
    }

    @Test
    void oneLogsErrorFailsOnlyThatGenerationsBatch() {
        List<String> settled = new CopyOnWriteArrayList<>();
        List<Throwable> failed = new CopyOnWriteArrayList<>();
        write("a", 1, settled);
        write("b", 1, settled);
        appends.write("c", batch(1), false).subscribe(null, failed::add, () -> settled.add("c"));
        write("d", 1, settled);
        script.answer(0, "1");

        script.answer(1, "1", "!WRONGTYPE Operation against a key holding the wrong kind of value", "0");

        assertThat(settled).containsExactly("a", "b", "d");
        assertThat(failed).singleElement().extracting(Throwable::getMessage).asString().contains("WRONGTYPE");
    }

    @Test
    void aFailedCallFailsEveryBatchInItAndTheNextCallGoesOut() {
        List<Throwable> failed = new CopyOnWriteArrayList<>();
        appends.write("a", batch(1), false).subscribe(null, failed::add);
        appends.write("b", batch(1), false).subscribe(null, failed::add);
        appends.write("c", batch(1), false).subscribe(null, failed::add);
        script.answer(0, "1");

        script.fail(1, new IllegalStateException("timed out"));
        appends.write("d", batch(1), false).subscribe();

        assertThat(failed).hasSize(2);
        assertThat(script.calls).hasSize(3);
        assertThat(script.calls.get(2).logs()).containsExactly(keys.log("d"));
    }

    @Test
    void aCallCarriesWholeBatchesUpToItsEventBound() {
        write("a", 1, new ArrayList<>());
        int perBatch = BatchedAppender.MAX_EVENTS;
        int batches = CoalescedAppends.MAX_EVENTS / perBatch + 1;
        IntStream.range(0, batches).forEach(index -> appends.write("g" + index, batch(perBatch), false).subscribe());

        script.answer(0, "1");

        assertThat(script.calls.get(1).logs()).hasSize(batches - 1);
        script.answer(1, IntStream.range(0, batches - 1).mapToObj(index -> "256").toArray(String[]::new));
        assertThat(script.calls.get(2).logs()).containsExactly(keys.log("g" + (batches - 1)));
    }

    @Test
    void onAClusterEachBatchIsItsOwnCallSentAtOnce() {
        CoalescedAppends oneSlotPerCall = new CoalescedAppends(script, keys, settings, false);
        oneSlotPerCall.write("a", batch(1), false).subscribe();
        oneSlotPerCall.write("b", batch(1), true).subscribe();

        assertThat(script.calls).extracting(HeldScript.Call::logs)
                .containsExactly(List.of(keys.log("a")), List.of(keys.log("b")));
        assertThat(script.calls).extracting(call -> call.args().get(3)).as("the retry flag of each")
                .containsExactly("0", "1");
    }

    private void write(String id, long seq, List<String> settled) {
        appends.write(id, List.of(new LoggedEvent(seq, null, "t" + seq, false)), false).subscribe(null, null,
                () -> settled.add(id));
    }

    private static List<LoggedEvent> batch(int size) {
        return IntStream.rangeClosed(1, size).mapToObj(seq -> new LoggedEvent(seq, null, "t" + seq, false)).toList();
    }

    /** Records every call and leaves it in flight until the test answers it. */
    private static final class HeldScript implements CoalescedAppends.Script {

        record Call(List<String> logs, List<String> args, Sinks.One<List<?>> reply) {
        }

        final List<Call> calls = new CopyOnWriteArrayList<>();

        @Override
        public Mono<List<?>> run(List<String> logs, List<String> args) {
            Sinks.One<List<?>> reply = Sinks.one();
            calls.add(new Call(List.copyOf(logs), List.copyOf(args), reply));
            return reply.asMono();
        }

        void answer(int index, String... perLog) {
            calls.get(index).reply().tryEmitValue(List.of(perLog)).orThrow();
        }

        void fail(int index, Throwable error) {
            calls.get(index).reply().tryEmitError(error).orThrow();
        }
    }
}
