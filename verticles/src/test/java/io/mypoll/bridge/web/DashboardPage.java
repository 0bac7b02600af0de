// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.web;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogType;

/** The dashboard open in a browser, as the browser tests wait for it and read it. */
final class DashboardPage {
    /**
     * The cards, the events table, the devices table and the chart, read in one script run: the page
     * redraws between WebDriver calls, so parts read one call at a time would be of different moments.
     */
    private static final String READ = """
            const count = (el) => Number(el.textContent.replace(/[^0-9]/g, ''));
            const cards = {};
            document.querySelectorAll('.stats .stat').forEach((box) => {
              const value = box.querySelector('.value');
              if (box.dataset.type) cards[box.dataset.type] = count(value);
              else if (value.id.startsWith('count-') && value.id !== 'count-total') cards[value.id.slice(6)] = count(value);
            });
            return JSON.stringify({
              total: count(document.getElementById('count-total')),
              cards,
              rowTypes: Array.from(document.querySelectorAll('#events tbody tr:not([hidden]) td.type'))
                .map((td) => td.textContent),
              devices: Array.from(document.querySelectorAll('#devices tbody tr'))
                .map((tr) => [0, 2, 5].map((i) => tr.cells[i] ? tr.cells[i].textContent : '').join('|')),
              chartSeconds: Number(document.getElementById('rate-chart').dataset.seconds || 0),
            });
            """;

    private final ChromeDriver browser;

    DashboardPage(ChromeDriver browser) {
        this.browser = browser;
    }

    /** Waits for the condition; on time-out saves target/dashboard-failure.png and shows the page's state. */
    void waitFor(String what, Supplier<Boolean> condition) throws Exception {
        waitFor(what, condition, () -> "");
    }

    void waitFor(String what, Supplier<Boolean> condition, Supplier<String> detail) throws Exception {
        long deadline = System.currentTimeMillis() + 15_000;
        while (!condition.get()) {
            if (System.currentTimeMillis() > deadline) {
                Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), Path.of("target",
                        "dashboard-failure.png"), StandardCopyOption.REPLACE_EXISTING);
                throw new AssertionError("timed out waiting for " + what + "; " + detail.get() + "; connection "
                        + browser.findElement(By.id("connection")).getText() + ", trigger-error '"
                        + browser.findElement(By.id("trigger-error")).getText() + "', first rows:\n"
                        + browser.findElements(By.cssSelector("#events tbody tr")).stream().limit(5)
                                .map(WebElement::getText).collect(Collectors.joining("\n"))
                        + "\nDOM: " + browser.executeScript("return Array.from(document.querySelectorAll("
                                + "'#events tbody tr')).slice(0, 12).map(tr => tr.hidden + ':' + tr.textContent)"
                                + ".join('\\n')")
                        + "\nconsole: " + browser.manage().logs().get(LogType.BROWSER).getAll());
            }
            Thread.sleep(100); // the poll interval of this wait, within its deadline
        }
    }

    Shown shown() {
        JsonObject read = new JsonObject((String) browser.executeScript(READ));
        Map<String, Long> cards = read.getJsonObject("cards").getMap().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> ((Number) e.getValue()).longValue()));
        return new Shown(read.getLong("total"), cards,
                read.getJsonArray("rowTypes").stream().map(String::valueOf).toList(),
                read.getJsonArray("devices").stream().map(String::valueOf).toList(),
                read.getInteger("chartSeconds"));
    }

    /**
     * What the page shows at one moment.
     *
     * @param total    the "total" card
     * @param cards    the count of each event type's card
     * @param rowTypes the type of each shown row of the events table, newest first
     * @param devices  each row of the devices table as "id|type|state"
     */
    record Shown(long total, Map<String, Long> cards, List<String> rowTypes, List<String> devices, int chartSeconds) {

        long rowsOf(String type) {
            return rowTypes.stream().filter(type::equals).count();
        }

        /** The rows above the newest one of that type; 0 when there is none. */
        int rowsAbove(String type) {
            return Math.max(0, rowTypes.indexOf(type));
        }

        /** The total is the number of rows, and each type's card the number of its rows. */
        boolean cardsCountTheRows() {
            Set<String> types = new HashSet<>(cards.keySet());
            types.addAll(rowTypes);
            return total == rowTypes.size()
                    && types.stream().allMatch(type -> cards.getOrDefault(type, 0L) == rowsOf(type));
        }
    }
}
