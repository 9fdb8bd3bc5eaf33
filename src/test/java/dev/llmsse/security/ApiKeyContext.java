package dev.llmsse.security;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import dev.llmsse.support.ProbeProvider;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;

/**
 * The api-key gateway that {@code ApiKeyAuthTest} and {@code SecurityObservationsTest} share: one declaration, so
 * the two cannot drift into two contexts. {@code ApiKeyAuthTest} went unanswered twice in CI after
 * {@code SecurityObservationsTest} had started a context of its own; why is not known (not Reactor Netty's global
 * resources: every test context has loops of its own, {@code Replica}'s configuration being scanned into it), and
 * {@code NoAnswer} records the threads if it comes back.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "gateway.auth.mode=api-key",
        "gateway.auth.api-keys[0].name=alice",
        "gateway.auth.api-keys[0].sha256=0264b8205526ceea6fff4c7d3d3b6cf383d579553a931736819eb39ec6dd9a04",
        "gateway.auth.api-keys[1].name=bob",
        "gateway.auth.api-keys[1].sha256=D54508C124109E1BBF7D7DFFD3AA872B9364DC9F0232CA9B32D74A42B570CD7D",
        "gateway.auth.api-keys[1].models=echo/*",
        "gateway.providers.echo.token-delay=1ms",
        "gateway.stream.heartbeat=1s"})
@Import(ProbeProvider.Config.class)
@interface ApiKeyContext {
}
