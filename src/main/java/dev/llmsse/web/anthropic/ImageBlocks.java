package dev.llmsse.web.anthropic;

import dev.llmsse.web.BadRequestException;

import tools.jackson.databind.JsonNode;

/**
 * An Anthropic {@code image} block as the URL our core carries: {@code source: {type: "url", url}} as it is,
 * {@code source: {type: "base64", media_type, data}} as a {@code data:} URL. The URL's rules are checked with every
 * door's images afterwards. A {@code file} source (the Files API) has no URL and is refused.
 */
final class ImageBlocks {

    private ImageBlocks() {
    }

    static String url(JsonNode block, String where) {
        JsonNode source = block.path("source");
        String type = source.path("type").asString("");
        if ("url".equals(type) && source.path("url").isString()) {
            return source.path("url").asString();
        }
        if ("base64".equals(type) && source.path("media_type").isString() && source.path("data").isString()) {
            return "data:" + source.path("media_type").asString() + ";base64," + source.path("data").asString();
        }
        throw new BadRequestException(where + ".source: must be {type: \"url\", url} or "
                + "{type: \"base64\", media_type, data}");
    }
}
