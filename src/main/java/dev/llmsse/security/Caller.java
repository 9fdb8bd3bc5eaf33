package dev.llmsse.security;

import java.util.List;

/**
 * Who is asking: an authenticated principal, or an anonymous client known only by its address.
 *
 * @param id            {@code key:<name>}, {@code jwt:<sub>} or {@code ip:<address>}: binds sessions and names
 *                      rate-limit buckets; never a secret
 * @param authenticated whether {@code id} was proven (a key or a token), rather than an address
 * @param models        allow-list of {@code provider/model} or {@code provider/*}; empty = any model
 */
public record Caller(String id, boolean authenticated, List<String> models) {

    public Caller {
        models = models == null ? List.of() : List.copyOf(models);
    }

    /** Whether this caller may use {@code model} ({@code provider/model}). */
    public boolean mayUse(String model) {
        if (models.isEmpty()) {
            return true;
        }
        String provider = model.substring(0, model.indexOf('/') + 1);
        return models.contains(model) || models.contains(provider + "*");
    }

    /** Whether this caller may act on a session created by {@code principal}: anonymous callers hold the id only. */
    public boolean owns(String principal) {
        return !authenticated || id.equals(principal);
    }
}
