package dev.llmsse.provider;

import java.util.ArrayList;
import java.util.List;

import dev.llmsse.chat.ChatMessage;
import dev.llmsse.chat.ChatRequest;
import dev.llmsse.chat.ContentPart;

import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** The parts of a request body that several providers' formats share. */
public final class RequestBodies {

    private RequestBodies() {
    }

    /**
     * {@code {model, messages, stream: true}}, the system prompt first among the {@code {role, content}}
     * turns: where an OpenAI Chat Completions body and an Ollama chat body begin.
     */
    public static ObjectNode chat(ChatRequest request) {
        return chat(request, false);
    }

    /**
     * The same, with the tools offered and the tool calls and results of the history: as OpenAI Chat Completions
     * takes them ({@code tool_calls[].function.arguments} as JSON text, a result's {@code tool_call_id}) or, with
     * {@code ollama}, as Ollama does (arguments as an object, a result's {@code tool_name}).
     */
    public static ObjectNode chat(ChatRequest request, boolean ollama) {
        ObjectNode body = WireJson.object();
        body.put("model", request.model());
        ArrayNode messages = body.putArray("messages");
        if (request.system() != null && !request.system().isBlank()) {
            messages.addObject().put("role", "system").put("content", request.system());
        }
        for (ChatMessage message : request.messages()) {
            ObjectNode turn = messages.addObject().put("role", message.role()).put("content", message.content());
            if (message.hasImages()) {
                images(turn, message, ollama);
            }
            if (!message.toolCalls().isEmpty()) {
                toolCalls(turn.putArray("tool_calls"), message, ollama);
                if (!ollama && message.content().isEmpty()) {
                    turn.putNull("content"); // as OpenAI writes a turn that only called tools
                }
            }
            if (message.toolCallId() != null && ollama) {
                turn.put("tool_name", ToolBodies.toolNameOf(request.messages(), message.toolCallId()));
            } else if (message.toolCallId() != null) {
                turn.put("tool_call_id", message.toolCallId());
            }
        }
        body.put("stream", true);
        ToolBodies.functionTools(body, request);
        return body;
    }

    /**
     * A turn with images: OpenAI takes its parts in order ({@code text} and {@code image_url}), Ollama the text
     * with the images' bytes in base64 beside it (only data URLs get here: Ollama refuses the others).
     */
    private static void images(ObjectNode turn, ChatMessage message, boolean ollama) {
        if (ollama) {
            ArrayNode images = turn.putArray("images");
            message.parts().stream().filter(ContentPart::holdsImage).forEach(part -> images.add(part.base64()));
            return;
        }
        ArrayNode parts = turn.putArray("content");
        for (ContentPart part : message.parts()) {
            if (part.holdsImage()) {
                parts.addObject().put("type", "image_url").putObject("image_url").put("url", part.url());
            } else {
                parts.addObject().put("type", "text").put("text", part.text());
            }
        }
    }

    private static void toolCalls(ArrayNode calls, ChatMessage message, boolean ollama) {
        for (ChatMessage.ToolCall call : message.toolCalls()) {
            ObjectNode wire = calls.addObject();
            if (!ollama) {
                wire.put("id", call.id()).put("type", "function");
            }
            ObjectNode function = wire.putObject("function").put("name", call.name());
            if (ollama) {
                function.set("arguments", WireJson.arguments(call.arguments()));
            } else {
                function.put("arguments", call.arguments());
            }
        }
    }

    /**
     * Puts the sampling limits into a nested object {@code name}, made only when a request sets one of them
     * (Ollama's {@code options}, Gemini's {@code generationConfig}).
     */
    public static void putSampling(ObjectNode body, String name, String maxTokensField, ChatRequest request) {
        if (request.maxTokens() == null && request.temperature() == null) {
            return;
        }
        ObjectNode sampling = body.putObject(name);
        if (request.maxTokens() != null) {
            sampling.put(maxTokensField, request.maxTokens());
        }
        if (request.temperature() != null) {
            sampling.put("temperature", request.temperature());
        }
    }

    /**
     * A request split for providers that take the system prompt as a parameter rather than as a turn
     * (Anthropic, Gemini): the prompt with every {@code system} turn joined to it, and the other turns.
     *
     * @param system the joined prompt, blank lines between the parts; empty when there is none
     * @param turns  the conversation without its system turns
     */
    public record SystemApart(String system, List<ChatMessage> turns) {

        public static SystemApart of(ChatRequest request) {
            StringBuilder system = new StringBuilder(request.system() == null ? "" : request.system());
            List<ChatMessage> turns = new ArrayList<>(request.messages().size());
            for (ChatMessage message : request.messages()) {
                if ("system".equals(message.role())) {
                    system.append(system.length() == 0 ? "" : "\n\n").append(message.content());
                } else {
                    turns.add(message);
                }
            }
            return new SystemApart(system.toString(), turns);
        }
    }
}
