package dev.llmsse.stream;

import java.util.UUID;

import dev.llmsse.config.GatewayProperties;
import dev.llmsse.provider.ProviderRegistry;
import dev.llmsse.session.ReplicaBus;
import dev.llmsse.session.SessionStore;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import reactor.core.scheduler.Schedulers;

/** Wires the stream core to the configured store. */
@Configuration(proxyBeanMethods = false)
class StreamConfiguration {

    @Bean
    Ownership ownership(GatewayProperties properties) {
        return new Ownership(UUID.randomUUID().toString(), properties.redis().lease(), Schedulers.parallel());
    }

    @Bean
    StreamService streamService(GatewayProperties properties, SessionStore store, ReplicaBus bus,
            ProviderRegistry providers, Ownership ownership, MeterRegistry meters) {
        return new StreamService(properties.stream(), properties.shutdown(), Schedulers.parallel(), store, bus,
                providers::resolve, ownership, meters);
    }

    @Bean
    StreamDrain streamDrain(StreamService streams, GatewayProperties properties) {
        return new StreamDrain(streams, properties.shutdown().drainTimeout());
    }
}
