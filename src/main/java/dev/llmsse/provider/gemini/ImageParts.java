package dev.llmsse.provider.gemini;

import java.util.Locale;
import java.util.Map;

import dev.llmsse.chat.ChatMessage;
import dev.llmsse.chat.ContentPart;

import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A turn's text and images as Gemini parts, in order: a data URL's bytes as {@code inlineData}, an {@code https:}
 * URL as {@code fileData}, which Gemini fetches itself (external URLs; the gateway fetches nothing).
 */
final class ImageParts {

    /** Gemini wants a MIME type with a URL; the file's extension is all we know without fetching it. */
    private static final Map<String, String> TYPE_BY_EXTENSION = Map.of("png", "image/png", "jpg", "image/jpeg",
            "jpeg", "image/jpeg", "gif", "image/gif", "webp", "image/webp");

    private ImageParts() {
    }

    static void add(ArrayNode parts, ChatMessage message) {
        for (ContentPart part : message.parts()) {
            if (!part.holdsImage()) {
                parts.addObject().put("text", part.text());
            } else if (part.inlined()) {
                parts.addObject().putObject("inlineData").put("mimeType", part.mediaType()).put("data", part.base64());
            } else {
                ObjectNode file = parts.addObject().putObject("fileData").put("fileUri", part.url());
                String type = typeOf(part.url());
                if (type != null) {
                    file.put("mimeType", type);
                }
            }
        }
    }

    private static String typeOf(String url) {
        String path = url.replaceFirst("[?#].*$", "");
        int dot = path.lastIndexOf('.');
        return dot < path.lastIndexOf('/') ? null : TYPE_BY_EXTENSION.get(path.substring(dot + 1).toLowerCase(Locale.ROOT));
    }
}
