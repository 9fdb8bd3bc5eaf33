package dev.llmsse.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.core.domain.JavaCall.Predicates.target;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.name;
import static com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With.owner;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The layering drawn in {@code docs/architecture.md}, checked on the main classes: imports between packages
 * run one way, an adapter is known only to itself, and HTTP server types stay at the edge.
 */
@AnalyzeClasses(packages = "dev.llmsse", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    /** Between top-level packages ({@code stream}, {@code provider}, {@code session}, …). */
    @ArchTest
    static final ArchRule noCyclesBetweenPackages = slices().matching("dev.llmsse.(*)..")
            .namingSlices("$1").should().beFreeOfCycles();

    /** Also between a package and its sub-packages ({@code provider} and {@code provider.wire}, …). */
    @ArchTest
    static final ArchRule noCyclesBetweenSubPackages = slices().matching("dev.llmsse.(**)")
            .namingSlices("$1").should().beFreeOfCycles();

    /**
     * An adapter is reached through its port ({@code ChatProvider}, {@code SessionStore}, …) and wired by the
     * Spring configuration inside its own package, so removing or adding one touches nothing else.
     */
    @ArchTest
    static final ArchRule openAiIsKeptToItself = adapterKeptToItself("dev.llmsse.provider.openai");
    @ArchTest
    static final ArchRule anthropicIsKeptToItself = adapterKeptToItself("dev.llmsse.provider.anthropic");
    @ArchTest
    static final ArchRule geminiIsKeptToItself = adapterKeptToItself("dev.llmsse.provider.gemini");
    @ArchTest
    static final ArchRule ollamaIsKeptToItself = adapterKeptToItself("dev.llmsse.provider.ollama");
    @ArchTest
    static final ArchRule echoIsKeptToItself = adapterKeptToItself("dev.llmsse.provider.echo");
    @ArchTest
    static final ArchRule redisIsKeptToItself = adapterKeptToItself("dev.llmsse.session.redis");

    /** A dialect of the HTTP edge is a door like an adapter: nothing else reaches into it. */
    @ArchTest
    static final ArchRule aiSdkDoorIsKeptToItself = adapterKeptToItself("dev.llmsse.web.aisdk");

    /**
     * A client dialect ({@code web.openai}: the OpenAI-compatible door) is a translation at the edge, reached only
     * through its routes: nothing outside it imports it, so adding or removing one touches nothing else. It may
     * use {@code web} (validation, the event-stream writer) and the core below, never the other way round.
     */
    @ArchTest
    static final ArchRule dialectsAreKeptToThemselves = noClasses().that().resideOutsideOfPackage("dev.llmsse.web.*..")
            .should().dependOnClassesThat().resideInAPackage("dev.llmsse.web.*..")
            .because("a dialect under web (web.openai) is reached through its routes, not imported");

    /** Dialects do not build on one another either: each translates to and from our own request and events. */
    @ArchTest
    static final ArchRule dialectsAreIndependent = slices().matching("dev.llmsse.web.(*)..")
            .should().notDependOnEachOther();

    /**
     * The HTTP edge is {@code web} (controllers, problems, request filters) with the two packages whose
     * filters run before a controller: {@code security} (who is calling) and {@code limit} (request rate,
     * connection cap). Both read the exchange because they act before any handler; the core
     * ({@code stream}, {@code session}, {@code provider}, {@code chat}) never sees an HTTP server type.
     */
    @ArchTest
    static final ArchRule httpServerTypesOnlyAtTheEdge = noClasses()
            .that().resideOutsideOfPackages("dev.llmsse.web..", "dev.llmsse.security..", "dev.llmsse.limit..")
            .should().dependOnClassesThat().resideInAnyPackage("org.springframework.http.server..",
                    "org.springframework.web.server..", "reactor.netty.http.server..")
            .because("web, security and limit are the HTTP edge (docs/architecture.md)");

    /** The conversation model is what every side shares, so it depends on none of them. */
    @ArchTest
    static final ArchRule chatDependsOnNothingOfOurs = noClasses().that().resideInAPackage("dev.llmsse.chat..")
            .should().dependOnClassesThat().resideOutsideOfPackages("dev.llmsse.chat..", "java..");

    /**
     * With Micrometer's context-propagation on the classpath, Reactor restores the subscriber context's
     * ThreadLocals (the request's observation, so a tracing scope opened and closed) around every signal of
     * {@code handle}, {@code mapNotNull} (a {@code handle}) and {@code tap}. On the per-token path that took 7.7%
     * of the gateway's CPU samples at 1,000 streams ({@code bench/profile.sh}); map, filter or a plain
     * subscriber do the same work without it.
     */
    @ArchTest
    static final ArchRule noThreadLocalRestoringOperators = noClasses()
            .should().callMethodWhere(target(owner(assignableTo(Flux.class).or(assignableTo(Mono.class))))
                    .and(target(name("handle").or(name("mapNotNull")).or(name("tap")))))
            .because("they restore ThreadLocals around every signal (docs/architecture.md, Why these choices)");

    private static ArchRule adapterKeptToItself(String adapter) {
        return noClasses().that().resideOutsideOfPackage(adapter + "..")
                .should().dependOnClassesThat().resideInAPackage(adapter + "..")
                .because(adapter + " is an adapter: reached through its port, wired inside its own package");
    }
}
