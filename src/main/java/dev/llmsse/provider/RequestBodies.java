package dev.llmsse.provider;

import java.util.ArrayList;
import java.util.List;

import dev.llmsse.chat.ChatMessage;
import dev.llmsse.chat.ChatRequest;

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
        ObjectNode body = WireJson.object();
        body.put("model", request.model());
        ArrayNode messages = body.putArray("messages");
        if (request.system() != null && !request.system().isBlank()) {
            messages.addObject().put("role", "system").put("content", request.system());
        }
        for (ChatMessage message : request.messages()) {
            messages.addObject().put("role", message.role()).put("content", message.content());
        }
        body.put("stream", true);
        return body;
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
