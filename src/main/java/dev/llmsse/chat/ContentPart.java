package dev.llmsse.chat;

/**
 * One part of a turn whose content is a list: text, or an image by {@code https:} or {@code data:} URL. Checked
 * before it gets here (scheme, host, media type, size; see {@code docs/protocol.md}, "Images").
 *
 * @param kind what the part is
 * @param text a text part's text; null for an image
 * @param url  an image part's URL; null for text
 */
public record ContentPart(Kind kind, String text, String url) {

    /** The kinds of part the gateway carries. */
    public enum Kind { TEXT, IMAGE }

    public static ContentPart text(String text) {
        return new ContentPart(Kind.TEXT, text, null);
    }

    public static ContentPart image(String url) {
        return new ContentPart(Kind.IMAGE, null, url);
    }

    public boolean holdsImage() {
        return kind == Kind.IMAGE;
    }

    /** Whether the image's bytes are in the URL ({@code data:<type>;base64,<bytes>}) rather than behind it. */
    public boolean inlined() {
        return holdsImage() && url.startsWith("data:");
    }

    /** A data URL's media type ({@code image/png}, …). */
    public String mediaType() {
        return url.substring("data:".length(), url.indexOf(';'));
    }

    /** A data URL's base64 payload, without its {@code data:…;base64,} head. */
    public String base64() {
        return url.substring(url.indexOf(',') + 1);
    }
}
