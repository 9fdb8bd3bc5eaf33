package dev.llmsse.session.redis;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import dev.llmsse.session.EventLog;
import dev.llmsse.session.LoggedEvent;

import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.Limit;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * A generation's log as a Redis Stream whose entry ids are {@code <seq>-0}, so that "after
 * {@code Last-Event-ID}" is a plain range read. The owner appends in the background, in order, in batches
 * ({@link BatchedAppender}), the batches of all generations together ({@link CoalescedAppends}: one script call
 * appends, keeps alive and notifies once per log); followers wake on
 * the notification, or on a poll as a safety net, and read the range after the last event they delivered.
 */
final class RedisEventLog implements EventLog {

    private static final int PAGE = 1000;

    private final String id;
    private final RedisKeys keys;
    private final ReactiveStringRedisTemplate redis;
    private final RedisChannels notifications;
    private final RedisStoreSettings settings;
    private final Scheduler timer;
    private final BatchedAppender appender;

    RedisEventLog(String id, RedisKeys keys, ReactiveStringRedisTemplate redis, CoalescedAppends appends,
            RedisChannels notifications, RedisStoreSettings settings, Scheduler timer) {
        this.id = id;
        this.keys = keys;
        this.redis = redis;
        this.notifications = notifications;
        this.settings = settings;
        this.timer = timer;
        // Retried for as long as a resume may ask for these events.
        this.appender = new BatchedAppender(id, (batch, retry) -> appends.write(id, batch, retry), timer,
                settings.retention());
    }

    @Override
    public void append(LoggedEvent event) {
        appender.append(event);
    }

    @Override
    public Flux<LoggedEvent> follow(long afterSeq) {
        return Flux.defer(() -> {
            AtomicLong cursor = new AtomicLong(afterSeq);
            Flux<Object> wakeups = Flux.<Object>merge(
                            notifications.receive(keys.appended(id))
                                    .onErrorResume(error -> Flux.never()),
                            Flux.interval(Duration.ZERO, settings.pollInterval(), timer))
                    .onBackpressureLatest();
            return wakeups.concatMap(wakeup -> readAfter(cursor.get()), 1)
                    .filter(event -> event.seq() > cursor.get())
                    .doOnNext(event -> cursor.set(event.seq()))
                    .takeUntil(LoggedEvent::terminal);
        });
    }

    /** Every stored event after {@code seq}, a page at a time. */
    private Flux<LoggedEvent> readAfter(long seq) {
        Range<String> after = Range.rightUnbounded(Range.Bound.inclusive((seq + 1) + "-0"));
        return redis.<String, String>opsForStream()
                .range(keys.log(id), after, Limit.limit().count(PAGE))
                .map(RedisEventLog::decode)
                .collectList()
                .flatMapMany(page -> page.size() < PAGE ? Flux.fromIterable(page)
                        : Flux.fromIterable(page).concatWith(readAfter(page.get(page.size() - 1).seq())));
    }

    @Override
    public Mono<Position> position() {
        return redis.<String, String>opsForStream()
                .reverseRange(keys.log(id), Range.unbounded(), Limit.limit().count(1))
                .next()
                .map(RedisEventLog::decode)
                .map(last -> new Position(last.seq(), last.terminal()))
                .defaultIfEmpty(new Position(0, false))
                .onErrorMap(RedisSessionStore::unavailable);
    }

    private static LoggedEvent decode(MapRecord<String, String, String> record) {
        Map<String, String> fields = record.getValue();
        String event = fields.get("e");
        return new LoggedEvent(record.getId().getTimestamp(), event == null || event.isEmpty() ? null : event,
                fields.get("d"), "1".equals(fields.get("t")));
    }
}
