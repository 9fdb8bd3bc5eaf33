package dev.llmsse.config;

import java.util.List;

import jakarta.validation.constraints.Min;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The limits on images in requests, under {@code gateway.limits} with the other input limits; kept apart from
 * {@link GatewayProperties} so that file stays small.
 *
 * @param maxImageBodyBytes cap on the body of a request that carries images; {@code max-body-bytes} stays the cap of
 *                          every other request (413 above either)
 * @param maxImageBytes     cap on one image's bytes in a {@code data:} URL (413 above it)
 * @param textOnlyModels    {@code provider/model} (or {@code provider/*}) names that take no images: a request
 *                          with an image is a 400 naming why, never sent without it
 */
@Validated
@ConfigurationProperties("gateway.limits")
public record ImageLimits(
        @DefaultValue("20971520") @Min(1024) int maxImageBodyBytes,
        @DefaultValue("5242880") @Min(1) int maxImageBytes,
        @DefaultValue List<String> textOnlyModels) {

    public ImageLimits {
        textOnlyModels = textOnlyModels == null ? List.of() : List.copyOf(textOnlyModels);
    }

    /** Whether {@code qualifiedName} ({@code provider/model}) is listed as text-only. */
    public boolean textOnly(String qualifiedName) {
        int slash = qualifiedName.indexOf('/');
        return textOnlyModels.contains(qualifiedName)
                || slash > 0 && textOnlyModels.contains(qualifiedName.substring(0, slash) + "/*");
    }
}
