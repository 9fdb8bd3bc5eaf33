package dev.llmsse.web.openai;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * OpenAI's model list ({@code GET /v1/models}): every alias, every {@code provider/model} an allow-list names, and
 * the default model. A provider without an allow-list ({@code provider/*} in {@code /api/models}) takes any model
 * name, which is no model a picker could offer, so only its models named elsewhere appear.
 */
record ModelList(String object, List<Model> data) {

    /** {@code created} is 0: the gateway does not know when a provider made a model. */
    record Model(String id, String object, long created, @JsonProperty("owned_by") String ownedBy) {
    }

    static ModelList of(List<String> available, String defaultModel) {
        List<String> ids = new ArrayList<>();
        for (String name : available) {
            if (!name.endsWith("/*")) {
                ids.add(name);
            }
        }
        if (!ids.contains(defaultModel)) {
            ids.add(0, defaultModel);
        }
        return new ModelList("list", ids.stream().map(id -> new Model(id, "model", 0, owner(id))).toList());
    }

    /** The provider of {@code provider/model}; an alias is the gateway's own. */
    private static String owner(String id) {
        int slash = id.indexOf('/');
        return slash < 0 ? "llm-sse-gateway" : id.substring(0, slash);
    }
}
