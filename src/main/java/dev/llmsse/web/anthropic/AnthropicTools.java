package dev.llmsse.web.anthropic;

import java.util.ArrayList;
import java.util.List;

import dev.llmsse.chat.Tool;
import dev.llmsse.chat.ToolChoice;
import dev.llmsse.web.BadRequestException;
import dev.llmsse.web.ToolRequests;

import tools.jackson.databind.JsonNode;

/**
 * Anthropic's tool fields in our conversation's terms: {@code tools} of client tools
 * ({@code {name, description, input_schema}}) and {@code tool_choice}. The checks every door shares (how many
 * tools, names, a choice that names an offered tool) are {@link ToolRequests}'. Anthropic's server tools (web
 * search, code execution, … which have a {@code type}) run on Anthropic's side and have no counterpart in other
 * providers: they are refused with a 400 rather than dropped.
 */
final class AnthropicTools {

    private AnthropicTools() {
    }

    /** The offered tools; empty when absent. */
    static List<Tool> tools(JsonNode tools) {
        if (tools == null || tools.isNull() || tools.isMissingNode()) {
            return List.of();
        }
        if (!tools.isArray()) {
            throw new BadRequestException("tools: must be a list of tools");
        }
        List<Tool> offered = new ArrayList<>(tools.size());
        for (int i = 0; i < tools.size(); i++) {
            JsonNode tool = tools.get(i);
            String type = tool.path("type").asString("custom");
            if (!tool.isObject() || !"custom".equals(type)) {
                throw new BadRequestException("tools." + i + ".type: only client tools ({name, description, "
                        + "input_schema}) are supported; server tools run on Anthropic's side only");
            }
            offered.add(ToolRequests.tool(tool.get("name"), tool.get("description"), tool.get("input_schema")));
        }
        return offered;
    }

    /** {@code auto}, {@code any} (some tool: our {@code required}), {@code tool} with its name, or {@code none}. */
    static ToolChoice choice(JsonNode choice) {
        if (choice == null || choice.isNull() || choice.isMissingNode()) {
            return null;
        }
        return switch (choice.path("type").asString("")) {
            case "auto" -> ToolRequests.word("auto");
            case "any" -> ToolRequests.word("required");
            case "none" -> ToolRequests.word("none");
            case "tool" -> {
                if (!choice.path("name").isString()) {
                    throw new BadRequestException("tool_choice.name: Field required");
                }
                yield ToolChoice.named(choice.path("name").asString());
            }
            default -> throw new BadRequestException("tool_choice.type: must be auto, any, tool or none");
        };
    }
}
