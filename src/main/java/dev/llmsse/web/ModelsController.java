package dev.llmsse.web;

import java.util.List;

import dev.llmsse.provider.ProviderRegistry;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** Lists what clients may ask for, so that UIs can fill a model picker. */
@RestController
class ModelsController {

    private final ProviderRegistry providers;

    ModelsController(ProviderRegistry providers) {
        this.providers = providers;
    }

    @GetMapping("/api/models")
    Models models() {
        return new Models(providers.defaultModel(), providers.available());
    }

    /**
     * @param defaultModel what is used when a request names no model
     * @param models       {@code provider/model} entries; {@code provider/*} where any model name passes
     */
    record Models(String defaultModel, List<String> models) {
    }
}
