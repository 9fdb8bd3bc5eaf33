package dev.llmsse.web;

import java.util.List;

import dev.llmsse.provider.ProviderRegistry;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** Lists what clients may ask for, so that UIs can fill a model picker. */
@RestController
class ModelsController {

    private final ProviderRegistry providers;

    ModelsController(ProviderRegistry providers) {
        this.providers = providers;
    }

    /**
     * Always JSON: with {@code Accept: text/event-stream} content negotiation would otherwise pick the SSE
     * writer and wrap the list in {@code data:} lines (issue 18). A content type set here wins over it.
     */
    @GetMapping("/api/models")
    ResponseEntity<Models> models() {
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON)
                .body(new Models(providers.defaultModel(), providers.available()));
    }

    /**
     * @param defaultModel what is used when a request names no model
     * @param models       {@code provider/model} entries; {@code provider/*} where any model name passes
     */
    record Models(String defaultModel, List<String> models) {
    }
}
