package dev.llmsse.page;

import java.time.Duration;
import java.util.List;

import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The chat page as the tests see it: what a user does and what the DOM shows of the latest answer. */
final class ChatPage {

    private static final String LAST_TURN = "const turns = document.querySelectorAll('.turn-assistant');"
            + " const turn = turns[turns.length - 1];";

    private final WebDriver driver;

    ChatPage(WebDriver driver) {
        this.driver = driver;
    }

    /** Opens {@code /} and waits until the model picker is filled from {@code /api/models}. */
    ChatPage open(String baseUrl) {
        driver.get(baseUrl + "/");
        // Asked in one script: the page may rebuild the options while we look, and a Java reference to an
        // option element would then go stale.
        waitUpTo(Duration.ofSeconds(10)).until(d -> Boolean.TRUE.equals(script(
                "return [...document.querySelectorAll('#model option')].some(o => o.value === arguments[0]);",
                ProbeProvider.MODEL)));
        return this;
    }

    WebElement modelPicker() {
        return driver.findElement(By.id("model"));
    }

    WebElement prompt() {
        return driver.findElement(By.id("prompt"));
    }

    WebElement stopButton() {
        return driver.findElement(By.id("stop"));
    }

    void chooseModel(String model) {
        new Select(modelPicker()).selectByValue(model);
    }

    /** Types into the message box and presses Enter, as a user sends. */
    void send(String text) {
        prompt().sendKeys(text);
        prompt().sendKeys(Keys.ENTER);
    }

    /** The latest answer's rendered text (the caret is drawn by CSS and adds none), or null. */
    String answerText() {
        return (String) script(LAST_TURN + " return turn ? turn.querySelector('.answer').textContent : null;");
    }

    /** The latest answer's stream state: connecting, streaming, reconnecting, done, stopped or error. */
    String answerState() {
        return (String) script(LAST_TURN + " return turn ? (turn.dataset.state || '') : null;");
    }

    String answerStatusLine() {
        return (String) script(LAST_TURN + " const s = turn && turn.querySelector('.turn-status');"
                + " return s && !s.hidden ? s.textContent : '';");
    }

    String answerMeta() {
        return (String) script(LAST_TURN + " return turn ? turn.querySelector('.turn-meta').textContent : null;");
    }

    @SuppressWarnings("unchecked")
    List<String> toolLines() {
        return (List<String>) script(LAST_TURN
                + " return turn ? [...turn.querySelectorAll('.tool-line')].map(l => l.textContent) : [];");
    }

    String activeElementId() {
        return (String) script("return document.activeElement ? document.activeElement.id : null;");
    }

    Object script(String source, Object... arguments) {
        return ((JavascriptExecutor) driver).executeScript(source, arguments);
    }

    void awaitState(String state, Duration timeout) {
        waitUpTo(timeout).until(d -> state.equals(answerState()));
    }

    void awaitClickable(WebElement element) {
        waitUpTo(Duration.ofSeconds(5)).until(ExpectedConditions.elementToBeClickable(element));
    }

    WebDriverWait waitUpTo(Duration timeout) {
        return new WebDriverWait(driver, timeout, Duration.ofMillis(15));
    }
}
