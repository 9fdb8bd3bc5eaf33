package dev.llmsse.provider.testing;

import java.util.Map;

import dev.llmsse.config.GatewayProperties;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** The {@code gateway.*} tree bound the way Boot binds it, from a few properties on top of the defaults. */
public final class TestProperties {

    private TestProperties() {
    }

    public static GatewayProperties bind(Map<String, String> properties) {
        return new Binder(new MapConfigurationPropertySource(properties))
                .bindOrCreate("gateway", GatewayProperties.class);
    }
}
