package dev.llmsse.config;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * {@code gateway.memory.*}: a ceiling on the heap the gateway's own data may take (issue 18; sizing in
 * {@code docs/configuration.md}).
 *
 * @param eventLogBudget the in-memory event logs of every generation of this replica, running and retained
 *                       for resume, together; past it the oldest finished ones are let go before their
 *                       retention ends, and new generations get 503 until the logs fit
 */
@Validated
@ConfigurationProperties("gateway.memory")
public record MemoryProperties(@DefaultValue("256MB") @NotNull DataSize eventLogBudget) {

    /** The budget holds at least one answer. */
    @AssertTrue(message = "gateway.memory.event-log-budget must be at least 64KB")
    public boolean isBudgetUsable() {
        return eventLogBudget == null || eventLogBudget.toBytes() >= 64 * 1024;
    }
}
