package dev.llmsse.config;

import org.springframework.context.annotation.Configuration;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.web.reactive.config.WebFluxConfigurer;

/**
 * Caps what a request body may hold in memory, so an oversized body is refused (413), not buffered, and
 * reads JSON bodies strictly ({@link StrictJsonDecoder}).
 */
@Configuration(proxyBeanMethods = false)
class CodecConfiguration implements WebFluxConfigurer {

    private final GatewayProperties properties;

    CodecConfiguration(GatewayProperties properties) {
        this.properties = properties;
    }

    @Override
    public void configureHttpMessageCodecs(ServerCodecConfigurer configurer) {
        configurer.defaultCodecs().maxInMemorySize(properties.limits().maxBodyBytes());
        StrictJsonDecoder strict = new StrictJsonDecoder();
        strict.setMaxInMemorySize(properties.limits().maxBodyBytes());
        configurer.defaultCodecs().jacksonJsonDecoder(strict);
    }
}
