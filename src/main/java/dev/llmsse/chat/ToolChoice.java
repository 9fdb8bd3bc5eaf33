package dev.llmsse.chat;

/**
 * Whether and which tools the model must call.
 *
 * @param mode {@link Mode#AUTO} (the model decides), {@link Mode#NONE}, {@link Mode#REQUIRED} (some tool) or
 *             {@link Mode#NAMED} (the tool {@code name})
 * @param name the tool's name for {@link Mode#NAMED}; null otherwise
 */
public record ToolChoice(Mode mode, String name) {

    public static final ToolChoice AUTO = new ToolChoice(Mode.AUTO, null);

    /** The four choices every provider can express. */
    public enum Mode { AUTO, NONE, REQUIRED, NAMED }

    public static ToolChoice named(String name) {
        return new ToolChoice(Mode.NAMED, name);
    }
}
