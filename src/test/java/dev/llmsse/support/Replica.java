package dev.llmsse.support;

import java.util.ArrayList;
import java.util.List;

import dev.llmsse.GatewayApplication;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.ReactorResourceFactory;

/** A gateway replica started in this JVM on a random port, with a probe provider, for multi-replica and property tests. */
public final class Replica implements AutoCloseable {

    private final ConfigurableApplicationContext context;

    private Replica(ConfigurableApplicationContext context) {
        this.context = context;
    }

    /** Starts a replica with the Redis store under {@code keyPrefix} and the given extra properties. */
    public static Replica start(String keyPrefix, String... properties) {
        return start(List.of("gateway.store=redis", "gateway.redis.key-prefix=" + keyPrefix), properties);
    }

    /** Starts a single gateway with the in-memory store, for tests that run outside Spring's test context. */
    public static Replica startInMemory(String... properties) {
        return start(List.of("gateway.store=memory"), properties);
    }

    private static Replica start(List<String> store, String... properties) {
        List<String> all = new ArrayList<>(List.of("server.port=0", "spring.main.banner-mode=off"));
        all.addAll(store);
        all.addAll(List.of(properties));
        // Command-line arguments: they outrank application.yaml, unlike the builder's default properties.
        return new Replica(new SpringApplicationBuilder(GatewayApplication.class, ProbeProvider.Config.class,
                OwnNettyResources.class)
                .run(all.stream().map(property -> "--" + property).toArray(String[]::new)));
    }

    /**
     * Netty loops of the replica's own: with Reactor Netty's global resources, closing a replica disposes the
     * loops that every other gateway in this JVM (the shared test context of the end-to-end tests) still uses
     * for its upstream calls, and those then fail with {@code upstream_unavailable}.
     */
    @Configuration(proxyBeanMethods = false)
    static class OwnNettyResources {

        @Bean
        ReactorResourceFactory reactorResourceFactory() {
            ReactorResourceFactory resources = new ReactorResourceFactory();
            resources.setUseGlobalResources(false);
            return resources;
        }
    }

    public int port() {
        return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
    }

    public String url() {
        return "http://127.0.0.1:" + port();
    }

    public ProbeProvider probe() {
        return context.getBean(ProbeProvider.class);
    }

    public <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    @Override
    public void close() {
        context.close();
    }
}
