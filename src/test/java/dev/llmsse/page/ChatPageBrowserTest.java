package dev.llmsse.page;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.deque.html.axecore.results.Results;
import com.deque.html.axecore.results.Rule;
import com.deque.html.axecore.selenium.AxeBuilder;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chromium.HasCdp;
import org.openqa.selenium.interactions.Actions;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;

/**
 * The chat page at {@code /} in a real headless Chromium against the gateway on a random port, with the
 * echo provider and a probe provider that records cancellation. Acceptance of issue 7.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        // Long enough that a dropped page comes back before the generation is abandoned, and that a
        // provider cancel within the tests can only come from the page's Stop.
        "gateway.stream.detach-grace=30s",
        "gateway.providers.echo.token-delay=60ms" })
class ChatPageBrowserTest {

    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);
    private static Chromium chromium;

    @LocalServerPort
    int port;

    @Autowired
    ProbeProvider probe;

    @Autowired
    RequestRecorder requests;

    private ChromeDriver driver;
    private ChatPage page;

    @TestConfiguration
    static class Probes {

        @Bean
        ProbeProvider probeProvider() {
            return new ProbeProvider();
        }

        @Bean
        RequestRecorder requestRecorder() {
            return new RequestRecorder();
        }
    }

    @BeforeAll
    static void startBrowser() {
        chromium = Chromium.start();
    }

    @AfterAll
    static void stopBrowser() {
        if (chromium != null) {
            chromium.quit();
        }
    }

    @BeforeEach
    void openPage() {
        driver = chromium.driver();
        page = new ChatPage(driver).open("http://127.0.0.1:" + port);
    }

    @Test
    void answerGrowsTokenByTokenAndEndsWithUsage() {
        String prompt = "tell me how server sent events carry tokens from a model to a browser one piece at a time";
        String expected = "You said: " + prompt;

        page.send(prompt);
        Set<String> seen = new LinkedHashSet<>();
        page.waitUpTo(ANSWER_TIMEOUT).until(d -> {
            seen.add(page.answerText());
            return "done".equals(page.answerState());
        });

        List<String> intermediate = seen.stream().filter(text -> !text.isEmpty() && !text.equals(expected)).toList();
        assertThat(intermediate).hasSizeGreaterThanOrEqualTo(5).allSatisfy(text -> assertThat(expected).startsWith(text));
        assertThat(page.answerText()).isEqualTo(expected);
        int outputTokens = ProbeProvider.tokens(expected).size();
        assertThat(page.answerMeta()).contains("tokens in").contains(outputTokens + " out").contains("first token");
    }

    @Test
    void reasoningStreamsCollapsedAboveTheAnswer() throws IOException {
        page.chooseModel(ProbeProvider.MODEL);
        page.send(ProbeProvider.THINK_FIRST + ", then answer");
        page.waitUpTo(ANSWER_TIMEOUT).until(d -> Boolean.TRUE.equals(page.script(
                "const r = document.querySelector('.turn-assistant .reasoning');"
                        + " return !r.hidden && r.querySelector('.reasoning-text').textContent.length > 0"
                        + " && !r.querySelector('.reasoning-text').textContent.startsWith('" + ProbeProvider.REASONING + "')")));
        assertThat(page.script("const r = document.querySelector('.turn-assistant .reasoning');"
                + " return [r.open, r.querySelector('summary').textContent]"))
                .asList().containsExactly(false, "Reasoning…");

        page.awaitState("done", ANSWER_TIMEOUT);
        assertThat(page.script("const r = document.querySelector('.turn-assistant .reasoning');"
                + " return [r.open, r.querySelector('summary').textContent, r.querySelector('.reasoning-text').textContent,"
                + " r.nextElementSibling.className]"))
                .asList().containsExactly(false, "Reasoning", ProbeProvider.REASONING, "tool-lines");
        assertThat(page.answerText()).isEqualTo("You said: " + ProbeProvider.THINK_FIRST + ", then answer");
        assertThat(page.toolLines()).containsExactly("⚙ called " + ProbeProvider.TOOL + " · 15 characters of arguments");
        page.script("document.querySelector('.turn-assistant .reasoning').open = true; return null");
        afterTwoFrames();
        Path screenshot = screenshot("chat-page-reasoning.png");
        assertThat(Files.size(screenshot)).isPositive();
        // The copy in docs/ is refreshed on demand only: a test run leaves the working tree as it found it.
        if (Boolean.getBoolean("docs.screenshots")) {
            Files.copy(screenshot, Path.of("docs/chat-page-reasoning.png"), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @Test
    void stopHaltsTheAnswerAndCancelsTheProvider() {
        String prompt = "count slowly: one two three four five six seven eight nine ten eleven twelve thirteen fourteen";
        String expected = "You said: " + prompt;
        int cancelledBefore = probe.cancellations.get();
        page.chooseModel(ProbeProvider.MODEL);

        page.send(prompt);
        page.waitUpTo(ANSWER_TIMEOUT).until(d -> page.answerText().length() >= "You said: count".length());
        page.stopButton().click();

        await().atMost(Duration.ofSeconds(5)).until(() -> probe.cancellations.get() > cancelledBefore);
        page.awaitState("stopped", Duration.ofSeconds(5));
        String stoppedAt = page.answerText();
        // Several of the probe's token intervals after the cancel, the text must still be what it was.
        await().pollInSameThread().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(3))
                .until(() -> stoppedAt.equals(page.answerText()));
        assertThat(expected).startsWith(stoppedAt);
        assertThat(stoppedAt.length()).isLessThan(expected.length());
        assertThat(page.answerMeta()).contains("stopped");
        assertThat(page.toolLines()).containsExactly("⚙ called " + ProbeProvider.TOOL + " · 15 characters of arguments");
    }

    @Test
    void networkDropShowsReconnectingAndResumesWithoutRepeats() {
        String prompt = "a long answer that keeps streaming while the network goes away and comes back again "
                + "so that the page has to resume from the last event it saw without losing or repeating "
                + "a single word of what the model already said";
        String expected = "You said: " + prompt;
        requests.clear();

        page.send(prompt);
        page.waitUpTo(ANSWER_TIMEOUT).until(d -> page.answerText().length() >= "You said: a long answer".length());
        // The browser goes offline, and the connection it was streaming on is cut from the server side:
        // Chromium's offline emulation fails new requests but leaves an open response running.
        HasCdp cdp = (HasCdp) driver;
        cdp.executeCdpCommand("Network.enable", Map.of());
        String duringDrop;
        try {
            offline(cdp, true);
            assertThat(requests.dropOpenStreams()).isPositive();
            page.awaitState("reconnecting", Duration.ofSeconds(10));
            assertThat(page.answerStatusLine()).containsIgnoringCase("reconnecting");
            duringDrop = page.answerText();
        } finally {
            offline(cdp, false);
        }

        page.awaitState("done", ANSWER_TIMEOUT);
        assertThat(duringDrop.length()).isLessThan(expected.length());
        assertThat(page.answerText()).isEqualTo(expected);
        assertThat(requests.resumes()).as("the page re-attached after an event id instead of starting over")
                .isNotEmpty();
    }

    @Test
    void untrustedTextIsRenderedInert() {
        String img = "<img src=x onerror=window.__xss=1>";
        String scriptLink = "[x](javascript:window.__xss=2)";
        page.send("look " + img + " then " + scriptLink + " and [docs](https://example.com/docs)");

        page.awaitState("done", ANSWER_TIMEOUT);
        assertThat(page.answerText()).contains(img).contains(scriptLink);
        assertThat(page.script("return document.querySelectorAll('img').length")).isEqualTo(0L);
        assertThat(page.script("return [...document.querySelectorAll('a')].map(a => a.getAttribute('href'))"))
                .asList().containsExactly("#prompt", "https://example.com/docs");
        assertThat(page.script("return typeof window.__xss")).isEqualTo("undefined");
    }

    @Test
    void retryAfterAFailedAnswerStreamsItAgainInTheSameTurn() {
        String prompt = "please " + ProbeProvider.FAIL_ONCE + " and then answer";
        int requestsBefore = probe.requests.size();
        page.chooseModel(ProbeProvider.MODEL);

        page.send(prompt);
        page.awaitState("error", ANSWER_TIMEOUT);
        assertThat(page.answerStatusLine()).contains("The provider closed the stream.").contains("Retry");
        driver.findElement(By.cssSelector(".turn-assistant .retry")).click();

        page.awaitState("done", ANSWER_TIMEOUT);
        assertThat(page.answerText()).isEqualTo("You said: " + prompt);
        assertThat(page.answerStatusLine()).isEmpty();
        assertThat(page.script("return document.querySelectorAll('.turn-assistant').length")).isEqualTo(1L);
        assertThat(probe.requests).hasSize(requestsBefore + 2);
    }

    @Test
    void apiKeyIsKeptInTheTabAndSentOnlyAsABearerHeaderOnPosts() {
        String key = "sk-test-4f9c2a";
        requests.clear();
        try {
            driver.findElement(By.cssSelector("#key-panel summary")).click();
            driver.findElement(By.id("api-key")).sendKeys(key, Keys.ENTER);
            assertThat(driver.findElement(By.id("key-summary")).getText()).isEqualTo("set");
            assertThat(page.script("return sessionStorage.getItem('llm-sse-gateway.api-key')")).isEqualTo(key);
            assertThat(driver.findElement(By.id("api-key")).getAttribute("value")).isEmpty();

            page.send("is my key safe");
            page.awaitState("done", ANSWER_TIMEOUT);
        } finally {
            page.script("sessionStorage.clear()");
        }
        List<RequestRecorder.Seen> seen = requests.seen();
        assertThat(seen).filteredOn(request -> request.path().equals("/api/sessions"))
                .singleElement().extracting(RequestRecorder.Seen::authorization).isEqualTo("Bearer " + key);
        assertThat(seen).filteredOn(RequestRecorder.Seen::isStream).isNotEmpty().allSatisfy(request -> {
            assertThat(request.authorization()).isNull();
            assertThat(String.valueOf(request.query())).doesNotContain(key);
        });
    }

    @Test
    void apiKeyPanelOpensOverTheConversationWithoutGrowingTheHeaderAt400Px() {
        Dimension before = driver.manage().window().getSize();
        try {
            narrowTo400Px();
            double headerClosed = height(".app-header");
            double conversationTopClosed = top("#conversation");

            driver.findElement(By.cssSelector("#key-panel summary")).click();
            assertThat(driver.findElement(By.id("api-key")).isDisplayed()).isTrue();
            assertThat(height(".app-header")).as("header height with the API key panel open")
                    .isCloseTo(headerClosed, within(0.5));
            assertThat(top("#conversation")).as("the conversation is not pushed down")
                    .isCloseTo(conversationTopClosed, within(0.5));
            assertThat(page.script("const r = document.getElementById('key-form').getBoundingClientRect();"
                    + " return r.left >= 0 && r.right <= document.documentElement.clientWidth;"))
                    .as("the open panel fits in a 400 px window").isEqualTo(true);
            assertNoSeriousAccessibilityViolations();

            keys(Keys.ESCAPE);
            assertThat(page.script("return document.getElementById('key-panel').open")).isEqualTo(false);
            assertThat(page.script("return document.activeElement.tagName")).as("focus back on the toggle")
                    .isEqualTo("SUMMARY");
        } finally {
            driver.manage().window().setSize(before);
        }
    }

    @Test
    void conversationStaysOnTheLatestMessageWhenTheWindowNarrowsTo400Px() {
        Dimension before = driver.manage().window().getSize();
        try {
            for (int i = 1; i <= 4; i++) {
                page.send("message " + i + ": a few words of text so that each turn takes a couple of lines "
                        + "once the window is as narrow as a phone");
                page.awaitState("done", ANSWER_TIMEOUT);
            }
            await().atMost(Duration.ofSeconds(3)).untilAsserted(() -> assertThat(lastTurnPlacement())
                    .as("the last answer was followed as it streamed").isEqualTo("visible"));
            narrowTo400Px();
            await().atMost(Duration.ofSeconds(3)).untilAsserted(() -> assertThat(lastTurnPlacement())
                    .as("the last answer lies within the conversation's visible box").isEqualTo("visible"));

            // Scrolled up by the user, the conversation is left where it is.
            page.script("document.getElementById('conversation').scrollTop = 0;");
            afterTwoFrames();
            driver.manage().window().setSize(new Dimension(480, 800));
            afterTwoFrames();
            assertThat(page.script("return document.getElementById('conversation').scrollTop")).isEqualTo(0L);
        } finally {
            driver.manage().window().setSize(before);
        }
    }

    @Test
    void keyboardAloneSendsStopsAndChangesModelAndAxeFindsNothingSerious() {
        int cancelledBefore = probe.cancellations.get();
        int requestsBefore = probe.requests.size();

        tabTo("model");
        keys(Keys.ARROW_DOWN);
        assertThat(page.modelPicker().getAttribute("value")).isEqualTo(ProbeProvider.MODEL);
        tabTo("prompt");
        keys("slowly say the quick brown fox jumps over the lazy dog again and again", Keys.ENTER);
        page.waitUpTo(ANSWER_TIMEOUT).until(d -> page.answerText().length() >= "You said: slowly".length());
        keys(Keys.TAB);
        assertThat(page.activeElementId()).isEqualTo("stop");
        keys(Keys.ENTER);

        page.awaitState("stopped", Duration.ofSeconds(5));
        await().atMost(Duration.ofSeconds(5)).until(() -> probe.cancellations.get() > cancelledBefore);
        assertThat(probe.requests).hasSize(requestsBefore + 1);
        assertThat(probe.requests.get(requestsBefore).model()).isEqualTo("slow");
        assertThat(page.activeElementId()).as("focus goes back to the message box").isEqualTo("prompt");

        assertNoSeriousAccessibilityViolations();
    }

    @Test
    void screenshotOfAFinishedAnswerWithMarkdown() throws IOException {
        page.prompt().sendKeys("Streaming works: **bold**, *emphasis* and `inline code`.", shiftEnter(),
                "- tokens arrive one by one", shiftEnter(), "- the caret blinks while they do", shiftEnter(),
                "```", shiftEnter(), "curl -N 'localhost:8080/api/llm?prompt=hi'", shiftEnter(), "```");
        page.prompt().sendKeys(Keys.ENTER);

        page.awaitState("done", ANSWER_TIMEOUT);
        assertThat(page.script("const a = document.querySelector('.turn-assistant .answer');"
                + " return [a.querySelectorAll('strong').length, a.querySelectorAll('em').length,"
                + " a.querySelectorAll('li').length, a.querySelectorAll('pre code').length]"))
                .asList().containsExactly(1L, 1L, 2L, 1L);
        Path screenshot = screenshot("chat.png");
        assertThat(Files.size(screenshot)).isPositive();

        // The same answer at phone width in the dark theme, for people checking the layout by eye.
        HasCdp cdp = (HasCdp) driver;
        Dimension desktop = driver.manage().window().getSize();
        try {
            cdp.executeCdpCommand("Emulation.setEmulatedMedia",
                    Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", "dark"))));
            driver.manage().window().setSize(new Dimension(390, 844));
            screenshot("chat-phone-dark.png");
            assertNoSeriousAccessibilityViolations(); // dark colours and the narrow layout too
        } finally {
            cdp.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features", List.of()));
            driver.manage().window().setSize(desktop);
        }
    }

    private void narrowTo400Px() {
        driver.manage().window().setSize(new Dimension(400, 800));
        assertThat(page.script("return document.documentElement.clientWidth")).as("viewport width").isEqualTo(400L);
    }

    private double height(String selector) {
        return ((Number) page.script("return document.querySelector(arguments[0]).getBoundingClientRect().height",
                selector)).doubleValue();
    }

    private double top(String selector) {
        return ((Number) page.script("return document.querySelector(arguments[0]).getBoundingClientRect().top",
                selector)).doubleValue();
    }

    /** Where the last turn is against the conversation's box: visible, below, above or partly visible. */
    private String lastTurnPlacement() {
        return (String) page.script("const c = document.getElementById('conversation').getBoundingClientRect();"
                + " const turns = document.querySelectorAll('.turn');"
                + " const t = turns[turns.length - 1].getBoundingClientRect();"
                + " if (t.top >= c.top - 1 && t.bottom <= c.bottom + 1) return 'visible';"
                + " if (t.top >= c.bottom) return 'below (top ' + t.top + ', conversation ends at ' + c.bottom + ')';"
                + " if (t.bottom <= c.top) return 'above';"
                + " return 'partly visible (' + t.top + '..' + t.bottom + ' in ' + c.top + '..' + c.bottom + ')';");
    }

    /** Lets scroll and resize handling run: two animation frames. */
    private void afterTwoFrames() {
        driver.executeAsyncScript("const done = arguments[arguments.length - 1];"
                + " requestAnimationFrame(() => requestAnimationFrame(() => done()));");
    }

    private Path screenshot(String name) throws IOException {
        Path file = Path.of("target/screenshots", name);
        Files.createDirectories(file.getParent());
        Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), file, StandardCopyOption.REPLACE_EXISTING);
        return file;
    }

    private void assertNoSeriousAccessibilityViolations() {
        Results results = new AxeBuilder().analyze(driver);
        List<String> serious = results.getViolations().stream()
                .filter(rule -> "serious".equals(rule.getImpact()) || "critical".equals(rule.getImpact()))
                .map(ChatPageBrowserTest::describe)
                .toList();
        assertThat(serious).isEmpty();
    }

    private void tabTo(String id) {
        for (int presses = 0; presses < 12 && !id.equals(page.activeElementId()); presses++) {
            keys(Keys.TAB);
        }
        assertThat(page.activeElementId()).as("reachable with Tab").isEqualTo(id);
    }

    private void keys(CharSequence... keys) {
        new Actions(driver).sendKeys(keys).perform();
    }

    private static CharSequence shiftEnter() {
        return Keys.chord(Keys.SHIFT, Keys.ENTER);
    }

    private static void offline(HasCdp cdp, boolean offline) {
        cdp.executeCdpCommand("Network.emulateNetworkConditions", Map.of("offline", offline, "latency", 0,
                "downloadThroughput", -1, "uploadThroughput", -1));
    }

    private static String describe(Rule rule) {
        return rule.getImpact() + " " + rule.getId() + ": " + rule.getHelp() + " at "
                + rule.getNodes().stream().map(node -> String.valueOf(node.getTarget())).toList();
    }
}
