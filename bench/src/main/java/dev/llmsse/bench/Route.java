package dev.llmsse.bench;

import java.nio.charset.StandardCharsets;

/**
 * What a stream asks for: a path with {@code {rid}} in it and, for a {@code POST}, a JSON body with
 * {@code {rid}} in it (null for a {@code GET}); each with its warm-up variant. The load client has one route
 * ({@code --url}), or two ({@code --alt-url}) whose streams it launches in strict alternation.
 */
record Route(String path, String body, String warmupPath, String warmupBody) {

    /** The primary route: {@code --url}'s path, {@code --body}, {@code --warmup-url}, {@code --warmup-body}. */
    static Route primary(Args args, String authority, String path) {
        return of(args, authority, path, "");
    }

    /**
     * The alternate route ({@code --alt-url}, {@code --alt-body}, {@code --warmup-alt-url},
     * {@code --warmup-alt-body}), on the same host and port as {@code --url}; null without {@code --alt-url}.
     */
    static Route alternate(Args args, String authority) {
        String url = args.string("alt-url", null);
        if (url == null) {
            for (String option : new String[] {"alt-body", "warmup-alt-url", "warmup-alt-body", "alt-out"}) {
                if (args.has(option)) {
                    throw new IllegalArgumentException("--" + option + " needs --alt-url");
                }
            }
            return null;
        }
        return of(args, authority, pathOn(authority, url, "--alt-url", null), "alt-");
    }

    /** The route of {@code path} and the options {@code --<prefix>body}, {@code --warmup-<prefix>body|url}. */
    private static Route of(Args args, String authority, String path, String prefix) {
        String body = args.string(prefix + "body", null);
        String warmupBody = args.string("warmup-" + prefix + "body", body);
        if (body == null && warmupBody != null) {
            throw new IllegalArgumentException("--warmup-" + prefix + "body needs --" + prefix + "body");
        }
        String warmupUrl = "warmup-" + prefix + "url";
        return new Route(path, body, pathOn(authority, args.string(warmupUrl, null), "--" + warmupUrl, path),
                warmupBody);
    }

    /** The path of {@code url}, which must name {@code authority}; {@code fallback} when {@code url} is null. */
    private static String pathOn(String authority, String url, String option, String fallback) {
        if (url == null) {
            return fallback;
        }
        String origin = "http://" + authority;
        if (!url.startsWith(origin + "/")) {
            throw new IllegalArgumentException(option + " must name the same host and port as --url");
        }
        return url.substring(origin.length());
    }

    String path(boolean warmup, String rid) {
        return (warmup ? warmupPath : path).replace("{rid}", rid);
    }

    /** The request body, or null for a {@code GET}. */
    byte[] body(boolean warmup, String rid) {
        String template = warmup ? warmupBody : body;
        return template == null ? null : template.replace("{rid}", rid).getBytes(StandardCharsets.UTF_8);
    }
}
