package dev.llmsse.stream;

import java.util.concurrent.atomic.AtomicBoolean;

import dev.llmsse.chat.ChatRequest;
import dev.llmsse.config.GatewayProperties;
import dev.llmsse.provider.ResolvedModel;
import dev.llmsse.session.SessionRecord;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Runs a request to its end and returns the whole answer, for clients that do not stream. No session, no
 * log and no resume: the answer lives in the request's own chain, through the gate like every other.
 */
public class AnswerService {

    private final GatewayProperties.Stream settings;
    private final Scheduler timer;
    private final GenerationGate gate;
    private final KeptReasoning kept;

    public AnswerService(GatewayProperties.Stream settings, Scheduler timer, GenerationGate gate) {
        this(settings, timer, gate, KeptReasoning.NONE);
    }

    AnswerService(GatewayProperties.Stream settings, Scheduler timer, GenerationGate gate, KeptReasoning kept) {
        this.settings = settings;
        this.timer = timer;
        this.gate = gate;
        this.kept = kept;
    }

    /** The whole answer to {@code request}, for {@code principal}; errors with {@link AnswerFailedException}. */
    public Mono<Answer> answer(ResolvedModel model, ChatRequest request, String principal) {
        return Mono.deferContextual(context -> Admission.admitted(gate, new SessionRecord(GenerationRegistry.newId(),
                model.qualifiedName(), request, true, principal, null)).flatMap(record -> {
                    AnswerCollector collector = new AnswerCollector(model.qualifiedName());
                    gate.started(record);
                    AtomicBoolean released = new AtomicBoolean();
                    Runnable release = () -> {
                        if (released.compareAndSet(false, true)) {
                            gate.finished(record, collector.outputTokens());
                        }
                    };
                    return Generations.upstream(kept, model, request)
                            // No generation here to keep an idle watch: the operator, on this rarer path.
                            .timeout(settings.idleTimeout(), timer)
                            .take(settings.maxDuration(), timer)
                            .reduce(collector, AnswerCollector::add)
                            .map(AnswerCollector::answer)
                            // Before the answer or the error goes on to the client (doFinally ran after): a
                            // client's next request, sent as soon as it reads a 502, found its slot still held.
                            .doOnTerminate(release)
                            .doOnCancel(release);
                })
                .onErrorMap(error -> !(error instanceof AnswerFailedException) && !Admission.refused(error),
                        error -> new AnswerFailedException(UpstreamErrors.toFailed(error, context))));
    }
}
