package dev.llmsse.provider;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.context.annotation.Conditional;

/**
 * Registers the annotated adapter only when its settings under {@code gateway.providers.<value>} turn it on
 * ({@code ProviderSettings.Upstream.active()}), so that {@code GET /api/models} lists exactly what this
 * gateway can serve.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Conditional(ProviderCondition.Named.class)
public @interface ConditionalOnProvider {

    /** The provider's id, which is also its key under {@code gateway.providers}. */
    String value();
}
