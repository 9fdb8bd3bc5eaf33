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
 * the two cannot drift into two contexts. One more context in the suite made Spring's context cache close an older
 * one mid-run, and that shutdown disposed Reactor Netty's global connection pool under a running test.
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
