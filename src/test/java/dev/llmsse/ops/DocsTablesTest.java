package dev.llmsse.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Markdown tables in the README and docs stay whole: a blank line inside a table ends it, and the rows after
 * it render as a paragraph of pipes (issue 17: the last rows of the metrics table in operations.md). A table
 * starts with a header row and its {@code |---|} separator; a row-like line after a blank line must start a
 * new table the same way.
 */
class DocsTablesTest {

    @Test
    void noTableIsCutByABlankLine() throws IOException {
        List<String> cut = new ArrayList<>();
        try (Stream<Path> docs = Stream.concat(Stream.of(Path.of("README.md")), Files.list(Path.of("docs")))) {
            for (Path file : docs.filter(path -> path.toString().endsWith(".md")).toList()) {
                List<String> lines = Files.readAllLines(file);
                boolean fenced = false;
                for (int i = 0; i < lines.size(); i++) {
                    String line = lines.get(i);
                    if (line.startsWith("```")) {
                        fenced = !fenced;
                    }
                    boolean row = !fenced && line.startsWith("|");
                    boolean afterBlank = i > 0 && lines.get(i - 1).isBlank();
                    boolean startsTable = i + 1 < lines.size() && lines.get(i + 1).matches("\\|[-:| ]+\\|?");
                    if (row && afterBlank && !startsTable) {
                        cut.add(file + ":" + (i + 1) + ": " + line);
                    }
                }
            }
        }
        assertThat(cut).as("table rows after a blank line, outside any table").isEmpty();
    }

    @Test
    void everyGatewayMeterIsInTheMetricsTable() throws IOException {
        String operations = Files.readString(Path.of("docs/operations.md"));
        List<String> meters = new ArrayList<>();
        try (Stream<Path> sources = Files.walk(Path.of("src/main/java"))) {
            for (Path source : sources.filter(path -> path.toString().endsWith(".java")).toList()) {
                java.util.regex.Matcher names = java.util.regex.Pattern.compile("\"(llmsse\\.(streams|subscribers|"
                        + "cancel|heartbeats|resumes|tokens|upstream)[a-z.]*)\"").matcher(Files.readString(source));
                while (names.find()) {
                    meters.add(names.group(1).replace('.', '_'));
                }
            }
        }
        assertThat(meters).isNotEmpty().allSatisfy(name -> assertThat(operations).contains("`" + name));
    }
}
