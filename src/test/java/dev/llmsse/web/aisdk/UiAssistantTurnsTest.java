package dev.llmsse.web.aisdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import dev.llmsse.chat.ChatMessage;
import dev.llmsse.web.BadRequestException;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class UiAssistantTurnsTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void aStepThatCalledToolsIsATurnWithItsCallsThenOneResultPerCallAndTheTextAfterIsTheNextTurn() {
        List<ChatMessage> turns = UiAssistantTurns.of(List.of(
                step(), text("Looking."), tool("tool-weather", null, "a", "output-available", "{\"city\":\"Oslo\"}",
                        "\"3 degrees\"", null),
                tool("dynamic-tool", "lookup", "b", "output-error", null, null, "offline"),
                step(), text("It is 3 degrees.")));

        assertThat(turns).containsExactly(
                ChatMessage.assistantCalling("Looking.", List.of(
                        new ChatMessage.ToolCall("a", "weather", "{\"city\":\"Oslo\"}"),
                        new ChatMessage.ToolCall("b", "lookup", "{}"))),
                ChatMessage.toolResult("a", "3 degrees"),
                ChatMessage.toolResult("b", "offline"),
                ChatMessage.assistantCalling("It is 3 degrees.", List.of()));
    }

    @Test
    void stepsThatOnlyWroteTextAreOneTurnAndAMessageWithNoTextOrCallIsNone() {
        assertThat(UiAssistantTurns.of(List.of(step(), text("one "), step(), text("two"))))
                .containsExactly(ChatMessage.assistantCalling("one two", List.of()));
        assertThat(UiAssistantTurns.of(List.of(step(), new UiChatRequest.UiPart("reasoning", "hmm")))).isEmpty();
    }

    @Test
    void anOutputThatIsNotAStringGoesAsItsJson() {
        List<ChatMessage> turns = UiAssistantTurns.of(List.of(
                tool("tool-x", null, "a", "output-available", "{}", "{\"t\":[1,2]}", null)));

        assertThat(turns.get(1).content()).isEqualTo("{\"t\":[1,2]}");
    }

    @Test
    void aCallStillWaitingForItsOutputIsRefusedByName() {
        assertThatThrownBy(() -> UiAssistantTurns.of(List.of(
                tool("tool-x", null, "call-7", "input-available", "{}", null, null))))
                .isInstanceOf(BadRequestException.class).hasMessageContaining("call-7 is input-available");
    }

    private static UiChatRequest.UiPart step() {
        return new UiChatRequest.UiPart("step-start", null);
    }

    private static UiChatRequest.UiPart text(String text) {
        return new UiChatRequest.UiPart("text", text);
    }

    private static UiChatRequest.UiPart tool(String type, String toolName, String id, String state, String input,
            String output, String errorText) {
        return new UiChatRequest.UiPart(type, null, null, null, id, toolName, state, json(input), json(output),
                errorText);
    }

    private static JsonNode json(String text) {
        return text == null ? null : JSON.readTree(text);
    }
}
