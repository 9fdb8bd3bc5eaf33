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

    private final int maxBodyBytes;

    CodecConfiguration(GatewayProperties properties, ImageLimits images) {
        // Images only may make a body larger than max-body-bytes; the web layer holds the others to it once read.
        this.maxBodyBytes = Math.max(properties.limits().maxBodyBytes(), images.maxImageBodyBytes());
    }

    @Override
    public void configureHttpMessageCodecs(ServerCodecConfigurer configurer) {
        configurer.defaultCodecs().maxInMemorySize(maxBodyBytes);
        StrictJsonDecoder strict = new StrictJsonDecoder();
        strict.setMaxInMemorySize(maxBodyBytes);
        configurer.defaultCodecs().jacksonJsonDecoder(strict);
    }
}
