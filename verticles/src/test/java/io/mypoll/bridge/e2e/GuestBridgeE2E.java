// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

/**
 * The bridge running in a QEMU guest against the real kernel module, seen
 * from the host through a forwarded port: its SockJS event-bus bridge, its
 * REST status and its dashboard in headless Chromium. The guest's bridge
 * serves other devices beside it (see {@link GuestDevicesE2E}); these tests
 * look at the module's device only.
 *
 * <p>Run by scripts/qemu-e2e.sh (not by {@code mvn verify}) with the
 * properties of {@link GuestFixture} and {@code -Dmypoll.e2e.periodMs=N}, the
 * timer period of the guest's config.
 */
@Tag("e2e")
class GuestBridgeE2E {
    private static final String EVENTS = GuestFixture.EVENTS;
    private static final String DEVICE = "mypoll";

    private static GuestFixture guest;
    private static String mode;
    private static int periodMs;

    @BeforeAll
    static void setUp() {
        guest = GuestFixture.fromProperties();
        mode = guest.mode;
        periodMs = Integer.parseInt(System.getProperty("mypoll.e2e.periodMs", "100"));
    }

    @AfterAll
    static void tearDown() {
        if (guest != null) {
            guest.close();
        }
    }

    private static JsonObject deviceStatus() {
        return guest.device(DEVICE);
    }

    private static boolean isEvent(JsonObject frame) {
        return GuestFixture.isEvent(frame) && DEVICE.equals(frame.getJsonObject("body").getString("device"));
    }

    @Test
    void theGuestRunsTheRealDeviceInTheExpectedMode() {
        JsonObject d = deviceStatus();
        assertEquals("mypoll", d.getString("type"), d.encode());
        assertEquals("/dev/mypoll", d.getString("path"), d.encode());
        assertEquals(mode, d.getString("mode"), d.encode());
        assertEquals(true, d.getBoolean("open"), d.encode());
        assertEquals(periodMs * 1000, d.getJsonObject("driver").getInteger("periodUs"), d.encode());
    }

    @Test
    void timerEventsArriveAtTheConfiguredPeriodWithNoSeqGap() throws Exception {
        try (GuestFixture.Socket socket = guest.socket()) {
            socket.register(EVENTS);
            socket.await(GuestBridgeE2E::isEvent, 10_000);
            long windowMs = Math.max(3_000, periodMs * 30L);
            List<JsonObject> events = socket.events(windowMs, e -> DEVICE.equals(e.getString("device")),
                    Integer.MAX_VALUE);
            List<JsonObject> timers = events.stream().filter(e -> "timer".equals(e.getString("type")))
                    .collect(Collectors.toList());
            long gaps = 0;
            for (int i = 1; i < events.size(); i++) {
                if (events.get(i).getLong("seq") != events.get(i - 1).getLong("seq") + 1) {
                    gaps++;
                }
            }
            long expected = windowMs / periodMs;
            assertTrue(timers.size() >= 2, "timer events in " + windowMs + " ms: " + timers.size());
            double meanMs = (timers.get(timers.size() - 1).getLong("tsNs") - timers.get(0).getLong("tsNs"))
                    / 1e6 / (timers.size() - 1);
            String detail = timers.size() + " timer events in " + windowMs + " ms (expected about " + expected
                    + "), mean interval " + String.format(java.util.Locale.ROOT, "%.2f", meanMs) + " ms, gaps "
                    + gaps;
            System.out.println("[" + mode + "] " + detail);
            assertEquals(0, gaps, detail);
            assertTrue(Math.abs(meanMs - periodMs) <= periodMs * 0.1, detail);
            assertTrue(timers.size() >= expected * 6 / 10 && timers.size() <= expected * 14 / 10, detail);
            for (JsonObject e : timers) {
                assertEquals(DEVICE, e.getString("device"));
                assertEquals("timer", e.getString("payload"));
            }
        }
    }

    @Test
    void aTriggerFromTheHostArrivesAsAManualEventAndTheDriverCountsIt() throws Exception {
        String payload = "host " + mode + " " + (System.nanoTime() % 100000);
        JsonObject manual;
        try (GuestFixture.Socket socket = guest.socket()) {
            socket.register(EVENTS);
            socket.await(GuestBridgeE2E::isEvent, 10_000);
            socket.send(new JsonObject().put("type", "send").put("address", "mypoll.trigger." + DEVICE)
                    .put("body", new JsonObject().put("payload", payload)).put("replyAddress", "r1"));
            List<JsonObject> frames = socket.awaitEach(10_000,
                    f -> "r1".equals(f.getString("address")) || "err".equals(f.getString("type")),
                    f -> isEvent(f) && "manual".equals(f.getJsonObject("body").getString("type"))
                            && payload.equals(f.getJsonObject("body").getString("payload")));
            JsonObject reply = frames.get(0);
            assertEquals(true, reply.getJsonObject("body").getBoolean("accepted"), reply.encode());
            manual = frames.get(1).getJsonObject("body");
        }
        long seq = manual.getLong("seq");
        // The status of an interval after the event.
        JsonObject d = await("a status after seq " + seq).atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
                .until(GuestBridgeE2E::deviceStatus, status -> status.getLong("lastSeq") >= seq);
        JsonObject driver = d.getJsonObject("driver");
        JsonObject events = d.getJsonObject("events");
        String detail = "manual seq " + seq + "; bridge " + events.encode() + " lastSeq " + d.getLong("lastSeq")
                + " gaps " + d.getLong("gaps") + " lost " + d.getLong("lost") + "; driver " + driver.encode();
        System.out.println("[" + mode + "] " + detail);
        assertTrue(events.getLong("manual") >= 1, detail);
        assertEquals(0L, d.getLong("gaps"), detail);
        assertEquals(0L, d.getLong("lost"), detail);
        assertEquals(0L, driver.getLong("lost"), detail);
        assertEquals(1, driver.getInteger("readers"), detail);
        // The bridge's reader was opened before the first event: it read every event, seq 1 .. lastSeq.
        assertEquals(d.getLong("lastSeq"), events.getLong("total"), detail);
        assertTrue(driver.getLong("generated") >= d.getLong("lastSeq"), detail);
        assertTrue(driver.getLong("delivered") >= events.getLong("total"), detail);
        assertEquals(driver.getLong("generated"), driver.getLong("delivered") + driver.getLong("queued"), detail);
    }

    @Test
    void theDashboardServedFromTheGuestShowsEvents() throws Exception {
        ChromeDriver browser = GuestFixture.browser();
        try {
            browser.get("http://127.0.0.1:" + guest.port + "/");
            waitFor(browser, "the connection",
                    () -> "connected".equals(browser.findElement(By.id("connection")).getText()));
            waitFor(browser, "timer events in the table", () -> !rows(browser, "timer").isEmpty());
            String payload = "from chromium " + mode;
            WebElement input = browser.findElement(By.id("trigger-payload"));
            input.clear();
            input.sendKeys(payload);
            browser.findElement(By.id("trigger-button")).click();
            waitFor(browser, "the manual event", () -> rows(browser, "manual").stream()
                    .anyMatch(row -> row.get(2).equals(payload)));
            assertEquals("", browser.findElement(By.id("trigger-error")).getText());
            GuestFixture.screenshot(browser, "e2e-dashboard-" + mode + ".png");
            List<LogEntry> errors = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                    .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
                    .collect(Collectors.toList());
            assertTrue(errors.isEmpty(), "console errors: " + errors);
        } finally {
            browser.quit();
        }
    }

    private static void waitFor(ChromeDriver browser, String what, Supplier<Boolean> condition)
            throws Exception {
        GuestFixture.waitFor(browser, what, "dashboard-" + mode, condition);
    }

    /** The shown rows of that type as [type, seq, payload], read in one script run. */
    @SuppressWarnings("unchecked")
    private static List<List<String>> rows(ChromeDriver browser, String type) {
        List<List<String>> all = (List<List<String>>) browser.executeScript(
                "return Array.from(document.querySelectorAll('#events tbody tr:not([hidden])'))"
                        + ".map(tr => ['type', 'seq', 'payload'].map(c => tr.querySelector('td.' + c).textContent));");
        return all.stream().filter(r -> r.get(0).equals(type)).collect(Collectors.toList());
    }
}
