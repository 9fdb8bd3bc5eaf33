package dev.llmsse.web.openai;

import dev.llmsse.provider.ProviderRegistry;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /v1/models}: the models a client may name, in OpenAI's list shape (see {@link ModelList}). */
@RestController
record OpenAiModelsController(ProviderRegistry providers) {

    /** Always JSON: with {@code Accept: text/event-stream} negotiation would otherwise pick the SSE writer. */
    @GetMapping("/v1/models")
    ResponseEntity<ModelList> models() {
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON)
                .body(ModelList.of(providers.available(), providers.defaultModel()));
    }
}
