// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.web;

import io.mypoll.bridge.contract.Addresses;
import io.mypoll.bridge.contract.NodeStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

/** The dashboard in a real headless Chromium (Debian's chromium and chromium-driver). */
@ExtendWith(VertxExtension.class)
class DashboardBrowserTest {

    private WebFixture web;
    private final List<String> published = new java.util.concurrent.CopyOnWriteArrayList<>();
    private ChromeDriver browser;
    /** When the device's timer started: the table keeps 200 rows, so the test counts its 30 s from here. */
    private long eventsFrom;

    @BeforeEach
    void open(Vertx vertx) throws Exception {
        web = new WebFixture(vertx, false, 200_000);
        eventsFrom = System.currentTimeMillis();
        vertx.eventBus().<io.vertx.core.json.JsonObject>consumer(Addresses.EVENTS, m -> {
            if (!"timer".equals(m.body().getString("type"))) {
                published.add(m.body().encode());
            }
        });
        browser = HeadlessChromium.start();
        browser.get("http://127.0.0.1:" + web.http.port() + "/");
    }

    @AfterEach
    void close() {
        if (browser != null) {
            browser.quit();
        }
    }

    private void waitFor(String what, Supplier<Boolean> condition) throws Exception {
        new DashboardPage(browser).waitFor(what, condition);
    }

    /** One shown row of the events table. */
    private record Row(String type, String seq, String payload) {
    }

    /**
     * The shown rows of that type, read in one script run: the page redraws
     * the table between WebDriver calls, so rows read one call at a time
     * would mix events.
     */
    @SuppressWarnings("unchecked")
    private List<Row> rows(String type) {
        List<List<String>> all = (List<List<String>>) browser.executeScript(
                "return Array.from(document.querySelectorAll('#events tbody tr:not([hidden])'))"
                        + ".map(tr => ['type', 'seq', 'payload'].map(c => tr.querySelector('td.' + c).textContent));");
        return all.stream().map(r -> new Row(r.get(0), r.get(1), r.get(2))).filter(r -> r.type().equals(type))
                .collect(Collectors.toList());
    }

    private void trigger(String payload) {
        WebElement input = browser.findElement(By.id("trigger-payload"));
        input.clear();
        input.sendKeys(payload);
        browser.findElement(By.id("trigger-button")).click();
    }

    @Test
    void theDashboardShowsTimerEventsAndSendsTriggers() throws Exception {
        waitFor("the connection", () -> "connected".equals(browser.findElement(By.id("connection")).getText()));
        waitFor("timer events in the table", () -> !rows("timer").isEmpty());

        trigger("hello from chromium");
        waitFor("the manual event", () -> rows("manual").stream()
                .anyMatch(row -> row.payload().equals("hello from chromium")));
        assertEquals("", browser.findElement(By.id("trigger-error")).getText());

        trigger("x".repeat(45));
        waitFor("the length message", () -> !browser.findElement(By.id("trigger-error")).getText().isEmpty());
        String message = browser.findElement(By.id("trigger-error")).getText();
        assertTrue(message.contains("45 bytes") && message.contains("40"), message);
        // A trigger sent after the refused one: once its event is shown, an event of the refused one
        // would have come before it.
        trigger("after the refused one");
        waitFor("the later manual event", () -> rows("manual").stream()
                .anyMatch(row -> row.payload().equals("after the refused one")));
        List<Row> manual = rows("manual");
        assertEquals(2, manual.size(), "the over-long payload made no event: " + manual + "; published " + published);
        assertEquals(2, published.size(), "two manual events were published: " + published);
        assertTrue(published.get(0).contains("\"payload\":\"hello from chromium\""), published.get(0));
        assertTrue(published.get(1).contains("\"payload\":\"after the refused one\""), published.get(1));

        List<LogEntry> errors = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
                .collect(Collectors.toList());
        assertTrue(errors.isEmpty(), "console errors: " + errors);
    }

    /** The seq column of the shown rows, top to bottom, read in one script run. */
    @SuppressWarnings("unchecked")
    private List<Long> shownSeqs() {
        return ((List<String>) browser.executeScript("return Array.from(document.querySelectorAll("
                + "'#events tbody tr:not([hidden]) td.seq')).map(td => td.textContent);"))
                .stream().map(Long::parseLong).collect(Collectors.toList());
    }

    /** Newest first, each one less than the one above: no event twice, none missing. */
    private static void assertNoneTwiceNoneMissing(List<Long> seqs) {
        for (int i = 1; i < seqs.size(); i++) {
            assertEquals(seqs.get(i - 1) - 1, seqs.get(i), "row " + i + " of " + seqs);
        }
    }

    @Test
    void aPageOpenedAfter30SecondsOfEventsShowsThemAndTheChartAtOnceThenGoesOnLive() throws Exception {
        // Events at 5 a second from the fixture's start; the page is opened 30 s later (150 events, well
        // within the table's 200 rows however long the browser took to start).
        browser.get("about:blank");
        // Not a wait for a condition: the page must open on 30 s of past events, whatever they are.
        Thread.sleep(Math.max(0, 30_000 - (System.currentTimeMillis() - eventsFrom)));
        long before = web.generated(0);
        browser.get("http://127.0.0.1:" + web.http.port() + "/");
        long opened = System.currentTimeMillis();
        // "At once": far sooner than the live events alone could fill them (5 a second).
        waitFor("the past events in the table", () -> shownSeqs().size() >= before);
        waitFor("the past events in the total card", () -> new DashboardPage(browser).shown().total() >= before);
        waitFor("the chart's past 30 s", () -> Integer.parseInt(
                browser.findElement(By.id("rate-chart")).getDomAttribute("data-seconds")) >= 29);
        long took = System.currentTimeMillis() - opened;
        assertTrue(took < 4_000, "shown " + took + " ms after the page was opened");
        List<Long> first = shownSeqs();
        assertEquals(1, first.get(first.size() - 1), "every event since the first: " + first);
        assertNoneTwiceNoneMissing(first);
        int chartEvents = Integer.parseInt(browser.findElement(By.id("rate-chart")).getDomAttribute("data-events"));
        assertTrue(chartEvents >= before - 15, "the chart counts the past events: " + chartEvents + " of "
                + before);

        waitFor("ten live events after the history", () -> shownSeqs().get(0) >= first.get(0) + 10);
        List<Long> later = shownSeqs();
        assertEquals(1, later.get(later.size() - 1));
        assertNoneTwiceNoneMissing(later);
    }

    @Test
    void aDeviceWhoseNodeLeftTheClusterIsShownOffline(Vertx vertx) throws Exception {
        waitFor("the connection", () -> "connected".equals(browser.findElement(By.id("connection")).getText()));
        // What DirectoryVerticle publishes on this node when another node leaves the cluster.
        io.vertx.core.json.JsonObject gone = new io.vertx.core.json.JsonObject().put("id", "far").put("node", "gone")
                .put("type", "emulator").put("mode", "sigio").put("open", true).put("online", false);
        io.vertx.core.json.JsonObject status = NodeStatus.offline("gone", "a-member-id",
                new io.vertx.core.json.JsonArray().add(gone));
        // "connected" shows when the socket opens, a moment before the page's register for
        // mypoll.status reaches the bridge: a single publish could reach no one.
        long publisher = vertx.setPeriodic(1, 500, id -> vertx.eventBus().publish(Addresses.STATUS, status));
        try {
            // Read in one script run: the page redraws the table between WebDriver calls.
            waitFor("the offline row", () -> ((String) browser.executeScript(
                    "return Array.from(document.querySelectorAll('#devices tbody tr'))"
                            + ".map(tr => Array.from(tr.cells).map(td => td.textContent).join('|')).join('\\n');"))
                    .lines().anyMatch(row -> row.startsWith("far|gone|") && row.contains("|offline (node left)|")));
        } finally {
            vertx.cancelTimer(publisher);
        }
    }

    @Test
    void theOfficialClientWorksOverXhrWhereWebSocketsAreBlocked() throws Exception {
        waitFor("the page", () -> "connected".equals(browser.findElement(By.id("connection")).getText()));
        browser.manage().timeouts().scriptTimeout(java.time.Duration.ofSeconds(30));
        // A proxy that blocks WebSockets leaves SockJS its XHR transports: xhr_streaming to receive, xhr_send to send.
        Object result = browser.executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                + "const eb = new EventBus('/eventbus', {transports: ['xhr-streaming', 'xhr-polling']});"
                // The reply and the event come in either order: done when both have.
                + "let reply = null, seen = false;"
                + "const both = () => { if (reply && seen) done(eb.sockJSConn.transport + ' ' + JSON.stringify(reply)); };"
                + "eb.onopen = () => {"
                + "  eb.registerHandler('mypoll.events', (err, msg) => {"
                + "    if (msg && msg.body.payload === 'via xhr') { seen = true; both(); }"
                + "  });"
                + "  setTimeout(() => eb.send('mypoll.trigger.d', {payload: 'via xhr'}, {}, (err, r) => {"
                + "    if (err) done('error ' + JSON.stringify(err)); else { reply = r.body; both(); }"
                + "  }), 500);"
                + "};"
                + "setTimeout(() => done('timeout, transport ' + (eb.sockJSConn && eb.sockJSConn.transport)), 25000);");
        assertEquals("xhr-streaming {\"device\":\"d\",\"accepted\":true}", result);
    }
}
