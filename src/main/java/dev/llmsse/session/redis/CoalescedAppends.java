package dev.llmsse.session.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import dev.llmsse.session.LoggedEvent;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * Stores the batches of every generation of this replica in as few script calls as the load allows: one call is
 * in flight at a time, and every batch submitted meanwhile, whichever generation it is of, goes out in the next
 * one ({@link RedisScripts#APPEND_MANY}). At a thousand live generations a call per generation's batch was a
 * call per token (each batch held one event), and the per-call cost on both sides (Spring's and Lettuce's
 * command, the reply handed to a Lettuce thread, Redis's script call) was most of what Redis mode cost; one
 * call per round trip for all of them spreads it over every event that arrived in that time.
 *
 * <p>What {@link BatchedAppender} promises per generation still holds: its batch completes or fails on its
 * own (the script runs each generation's part under {@code pcall}, so one log's error fails only that
 * generation's batch), and it has one batch in flight, so the queue here holds at most one batch per live
 * generation and needs no bound of its own. On a Redis Cluster one call may only touch one slot, so
 * there ({@code acrossGenerations=false}) each batch is its own call, sent at once, as before.
 */
final class CoalescedAppends {

    /** Bounds of one call; a single generation's batch ({@link BatchedAppender}'s bounds) always fits. */
    static final int MAX_EVENTS = 2048;
    static final int MAX_CHARS = 1024 * 1024;

    /** Runs {@link RedisScripts#APPEND_MANY} on these logs with these arguments; its reply per log, in order. */
    @FunctionalInterface
    interface Script {
        Mono<List<?>> run(List<String> logs, List<String> args);

        /** Spring emits the script's table as one list. */
        static Script on(ReactiveStringRedisTemplate redis) {
            return (logs, args) -> redis.execute(RedisScripts.APPEND_MANY, logs, args).<List<?>>map(reply -> reply)
                    .next();
        }
    }

    private final Script script;
    private final RedisKeys keys;
    private final RedisStoreSettings settings;
    private final boolean acrossGenerations;
    private final Queue<Submitted> submitted = new ConcurrentLinkedQueue<>();
    private final SerialLoop drain = new SerialLoop(this::sendWhatIsDue);
    private volatile boolean inFlight;

    CoalescedAppends(Script script, RedisKeys keys, RedisStoreSettings settings,
            boolean acrossGenerations) {
        this.script = script;
        this.keys = keys;
        this.settings = settings;
        this.acrossGenerations = acrossGenerations;
    }

    /**
     * Completes when this generation's batch is stored, fails when its part of the call failed. Only a
     * {@code retry} has Redis look for events the log already holds ({@link BatchedAppender.Writer}).
     */
    Mono<Void> write(String id, List<LoggedEvent> batch, boolean retry) {
        return Mono.create(sink -> {
            submitted.offer(new Submitted(id, batch, retry, sink));
            drain.signal();
        });
    }

    private void sendWhatIsDue() {
        if (!acrossGenerations) {
            sendEachAlone();
        } else if (!inFlight) {
            sendNext();
        }
    }

    private void sendEachAlone() {
        for (Submitted one = submitted.poll(); one != null; one = submitted.poll()) {
            send(List.of(one), () -> { });
        }
    }

    private void sendNext() {
        List<Submitted> call = nextCall();
        if (!call.isEmpty()) {
            inFlight = true;
            send(call, this::settle);
        }
    }

    /** Whole batches in submission order, up to the bounds; at least one if any. */
    private List<Submitted> nextCall() {
        List<Submitted> call = new ArrayList<>();
        int events = 0;
        long chars = 0;
        while (call.isEmpty() || events < MAX_EVENTS && chars < MAX_CHARS) {
            Submitted next = submitted.peek();
            if (next == null || !call.isEmpty() && events + next.batch().size() > MAX_EVENTS) {
                break;
            }
            submitted.poll();
            call.add(next);
            events += next.batch().size();
            chars += next.chars();
        }
        return call;
    }

    /**
     * Every batch of the call is settled (completed, or failed with the reason) before {@code then} runs, so
     * that the batches their generations submit in response wait for the next call and go out together.
     */
    private void send(List<Submitted> call, Runnable then) {
        List<String> logs = new ArrayList<>(call.size());
        List<String> args = new ArrayList<>();
        for (Submitted one : call) {
            logs.add(keys.log(one.id()));
            addArguments(one, args);
        }
        Mono.defer(() -> script.run(logs, args)).subscribe(
                results -> {
                    settleEach(call, results);
                    then.run();
                },
                error -> {
                    call.forEach(one -> one.sink().error(error));
                    then.run();
                });
    }

    private void addArguments(Submitted one, List<String> args) {
        List<LoggedEvent> batch = one.batch();
        boolean ends = batch.get(batch.size() - 1).terminal();
        args.add(Long.toString((ends ? settings.retention() : settings.runningTtl()).toMillis()));
        args.add(Integer.toString(settings.maxStreamLength()));
        args.add(keys.appended(one.id()));
        args.add(one.retry() ? "1" : "0");
        args.add(Integer.toString(batch.size()));
        for (LoggedEvent event : batch) {
            args.add(Long.toString(event.seq()));
            args.add(event.event() == null ? "" : event.event());
            args.add(event.data());
            args.add(event.terminal() ? "1" : "0");
        }
    }

    /** The script answers per log: how many events it added, or {@code !} and the error of that log's part. */
    private static void settleEach(List<Submitted> call, List<?> perLog) {
        for (int index = 0; index < call.size(); index++) {
            Object result = index < perLog.size() ? perLog.get(index) : null;
            MonoSink<Void> sink = call.get(index).sink();
            if (result instanceof String text && !text.startsWith("!")) {
                sink.success();
            } else {
                sink.error(new IllegalStateException("Redis did not append the batch: " + result));
            }
        }
    }

    private void settle() {
        inFlight = false;
        drain.signal();
    }

    private record Submitted(String id, List<LoggedEvent> batch, boolean retry, MonoSink<Void> sink) {

        long chars() {
            long chars = 0;
            for (LoggedEvent event : batch) {
                chars += event.data().length();
            }
            return chars;
        }
    }
}
