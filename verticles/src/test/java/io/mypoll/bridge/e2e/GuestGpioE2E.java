// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * GPIO lines in the guest: the project's simulated chip ({@code mypoll_gpio_sim}, driver/README.md), whose
 * edges reach the bridge through gpiolib's own character device, driven by the guest's init on request
 * ({@link GuestFixture#request}: gpio-pull, gpio-pulses, gpio-bounce, gpio-values, gpio-live).
 *
 * <p>The guest's bridge serves {@code "gpio"} (the chip by its label, lines by name: sim0 an input with both
 * edges, sim4 an input debounced for 100 ms, sim5 an output, sim6 an input; allowTriggers) and
 * {@code "gpio-burst"} (the chip by its label, line 2 by offset, a kernel buffer of 16 edges). The chip
 * going away runs last.
 */
@Tag("e2e")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GuestGpioE2E {
    private static final String GPIO = "gpio";
    private static final String BURST = "gpio-burst";
    private static final long REOPEN_LIMIT_MS = 1_000;

    private static GuestFixture guest;

    @BeforeAll
    static void setUp() {
        guest = GuestFixture.fromProperties();
    }

    @AfterAll
    static void tearDown() {
        if (guest != null) {
            guest.close();
        }
    }

    private GuestFixture.Socket listening() throws InterruptedException {
        GuestFixture.Socket socket = guest.socket();
        socket.register(GuestFixture.EVENTS);
        // Registered once an event of any device arrives (the module's timer ticks).
        socket.await(GuestFixture::isEvent, 30_000);
        return socket;
    }

    private static boolean edgeOf(JsonObject event, String device, int line) {
        return device.equals(event.getString("device")) && Integer.valueOf(line).equals(event.getInteger("line"));
    }

    /** The line's value in the chip, from the simulator's {@code values}. */
    private static char chipValue(int offset) throws Exception {
        return GuestFixture.field(guest.request("gpio-values", 30_000), "values").charAt(offset);
    }

    @Test
    @Order(1)
    void edgesDrivenOnALineArriveInOrderWithTheirEdgeAndKernelTimestamp() throws Exception {
        // Ten changes from the line's level now: the first is the edge away from it.
        int from = chipValue(0) - '0';
        StringBuilder levels = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            levels.append(' ').append((i % 2 == 0 ? 1 : 0) ^ from);
        }
        List<JsonObject> edges;
        try (GuestFixture.Socket socket = listening()) {
            guest.request("gpio-pull 0" + levels, 30_000);
            edges = socket.events(30_000, e -> edgeOf(e, GPIO, 0), 10);
        }
        String detail = "[" + guest.mode + "] from " + from + ":" + levels + ": " + edges;
        assertEquals(10, edges.size(), detail);
        for (int i = 0; i < edges.size(); i++) {
            JsonObject e = edges.get(i);
            int value = (i % 2 == 0 ? 1 : 0) ^ from;
            assertEquals(value == 1 ? "rising" : "falling", e.getString("type"), detail);
            assertEquals(value, e.getInteger("value"), detail);
            assertEquals("sim0", e.getString("name"), detail);
            assertEquals(0L, e.getLong("lost"), detail);
            assertTrue(e.getLong("tsNs") > 0 && e.getDouble("latencyUs") >= 0, "a kernel timestamp: " + detail);
            if (i > 0) {
                assertEquals(edges.get(i - 1).getLong("seq") + 1, e.getLong("seq"), "no seq gap: " + detail);
                assertTrue(e.getLong("tsNs") > edges.get(i - 1).getLong("tsNs"), "in order: " + detail);
            }
        }
        System.out.println(detail.substring(0, Math.min(400, detail.length())));
    }

    @Test
    @Order(2)
    void aBurstFasterThanTheKernelsBufferIsCountedExactlyAsLost() throws Exception {
        int pulses = 500;
        long arrived = 0;
        long lost = 0;
        long firstSeq = -1;
        long lastSeq = -1;
        try (GuestFixture.Socket socket = listening()) {
            guest.request("gpio-pulses 2 " + pulses, 60_000);
            long deadline = System.currentTimeMillis() + 60_000;
            while (arrived + lost < 2L * pulses && System.currentTimeMillis() < deadline) {
                for (JsonObject e : socket.events(1_000, e -> edgeOf(e, BURST, 2), Integer.MAX_VALUE)) {
                    arrived++;
                    lost += e.getLong("lost");
                    if (firstSeq < 0) {
                        firstSeq = e.getLong("seq") - e.getLong("lost");
                    }
                    lastSeq = e.getLong("seq");
                }
            }
        }
        String detail = "[" + guest.mode + "] " + 2 * pulses + " edges driven: " + arrived + " arrived, " + lost
                + " lost (seq " + firstSeq + " to " + lastSeq + ")";
        System.out.println(detail);
        assertEquals(2L * pulses, arrived + lost, detail);
        assertTrue(lost > 0, "the burst overflowed the kernel's 16 edges: " + detail);
        assertEquals(2L * pulses - 1, lastSeq - firstSeq, "the kernel's seq counts every edge: " + detail);
    }

    @Test
    @Order(3)
    void aBouncingInputWithinTheDebouncePeriodGivesOneEdge() throws Exception {
        List<JsonObject> edges;
        String answer;
        try (GuestFixture.Socket socket = listening()) {
            // Nine changes of sim4 within a few ms, from its level to the other; then, past the period,
            // an edge of sim6.
            answer = guest.request("gpio-bounce 4 6", 30_000);
            // The marker on sim6 comes after sim4's settled edge: everything of sim4 is in by then.
            edges = new java.util.ArrayList<>();
            long deadline = System.currentTimeMillis() + 30_000;
            while (edges.stream().noneMatch(e -> e.getInteger("line") == 6) && System.currentTimeMillis() < deadline) {
                edges.addAll(socket.events(1_000, e -> edgeOf(e, GPIO, 4) || edgeOf(e, GPIO, 6), Integer.MAX_VALUE));
            }
        }
        List<JsonObject> bounced = edges.stream().takeWhile(e -> e.getInteger("line") == 4).toList();
        String detail = "[" + guest.mode + "] " + answer + ": " + edges;
        assertTrue(edges.size() > bounced.size(), "the marker edge of sim6 arrived: " + detail);
        assertEquals(1, bounced.size(), "one edge for the bouncing input: " + detail);
        assertEquals("0".equals(GuestFixture.field(answer, "from")) ? "rising" : "falling",
                bounced.get(0).getString("type"), "the edge to the level it settled at: " + detail);
        assertEquals(0L, bounced.get(0).getLong("lost"), "debounced edges are not lost ones: " + detail);
    }

    @Test
    @Order(4)
    void anOutputSetOverRestReadsBackAtItsNewLevel() throws Exception {
        for (int value : new int[] {1, 0}) {
            Map.Entry<Integer, JsonObject> answer = guest.post("/api/devices/" + GPIO + "/trigger",
                    new JsonObject().put("line", "sim5").put("value", value));
            assertEquals(200, answer.getKey(), answer.getValue().encode());
            assertEquals((char) ('0' + value), chipValue(5), "the chip's line after " + answer.getValue().encode());
            JsonObject status = guest.awaitDevice(GPIO, d -> lineValue(d, "sim5") == value, 15_000);
            assertEquals(value, lineValue(status, "sim5"));
        }
    }

    @Test
    @Order(5)
    void anOutputSetOverTheSockJsBridgeReadsBackAtItsNewLevel() throws Exception {
        for (int value : new int[] {1, 0}) {
            JsonObject reply;
            try (GuestFixture.Socket socket = guest.socket()) {
                socket.send(new JsonObject().put("type", "send").put("address", "mypoll.trigger." + GPIO)
                        .put("body", new JsonObject().put("line", 5).put("value", value)).put("replyAddress", "r5"));
                reply = socket.await(f -> "r5".equals(f.getString("address")) || "err".equals(f.getString("type")),
                        30_000);
            }
            assertEquals(true, reply.getJsonObject("body").getBoolean("accepted"), reply.encode());
            assertEquals((char) ('0' + value), chipValue(5), "the chip's line after " + reply.encode());
        }
    }

    @Test
    @Order(6)
    void anInputLineRefusesATriggerWith400() throws Exception {
        String before = GuestFixture.field(guest.request("gpio-values", 30_000), "values");
        Map.Entry<Integer, JsonObject> answer = guest.post("/api/devices/" + GPIO + "/trigger",
                new JsonObject().put("line", "sim0").put("value", 1));
        assertEquals(400, answer.getKey(), answer.getValue().encode());
        assertTrue(answer.getValue().getString("error").contains("sim0 of device gpio is an input"),
                answer.getValue().encode());
        assertEquals(before, GuestFixture.field(guest.request("gpio-values", 30_000), "values"), "nothing set");
    }

    @Test
    @Order(7)
    void aGpioDeviceIsPolledInEitherNotifyMode() {
        assertEquals("poll", guest.device(GPIO).getString("mode"), "its line fd raises no SIGIO");
        assertEquals(guest.mode, guest.device("mypoll").getString("mode"), "the module's device as the loop");
    }

    @Test
    @Order(8)
    void theDashboardShowsALinesLevelChangeAndSetsAnOutput() throws Exception {
        ChromeDriver browser = GuestFixture.browser();
        String shot = "gpio-" + guest.mode;
        try {
            browser.get("http://127.0.0.1:" + guest.port + "/");
            GuestFixture.waitFor(browser, "the GPIO panel's line sim0", shot, () -> level(browser, "gpio/sim0") != null);
            String before = level(browser, "gpio/sim0");
            String to = "1".equals(before) ? "0" : "1";
            CompletableFuture<String> pulled = CompletableFuture.supplyAsync(() -> {
                try {
                    return guest.request("gpio-pull 0 " + to, 30_000);
                } catch (Exception e) {
                    throw new CompletionException(e);
                }
            });
            GuestFixture.waitFor(browser, "sim0's level to become " + to, shot, () -> to.equals(level(browser, "gpio/sim0")));
            pulled.get(30, TimeUnit.SECONDS);

            browser.executeScript("document.querySelector('#gpio-lines tr[data-line=\"gpio/sim5\"] "
                    + "button[data-value=\"1\"]').click();");
            GuestFixture.waitFor(browser, "sim5's level to show 1", shot, () -> "1".equals(level(browser, "gpio/sim5")));
            assertEquals('1', chipValue(5), "the chip's line after the click");
            GuestFixture.screenshot(browser, "e2e-" + shot + ".png");
            browser.executeScript("document.querySelector('#gpio-lines tr[data-line=\"gpio/sim5\"] "
                    + "button[data-value=\"0\"]').click();");
            GuestFixture.waitFor(browser, "sim5's level to show 0", shot, () -> "0".equals(level(browser, "gpio/sim5")));
        } finally {
            browser.quit();
        }
    }

    @Test
    @Order(9)
    void theChipGoesAwayIsReportedClosedAndIsOpenAgainWithinASecondWithEdgesFlowing() throws Exception {
        int reopensBefore = guest.awaitDevice(BURST, d -> d.getBoolean("open"), 10_000).getInteger("reopens");
        guest.request("gpio-live 0", 30_000);
        JsonObject closed = guest.awaitDevice(BURST, d -> !d.getBoolean("open"), 30_000);
        String reason = closed.getString("closedReason");
        assertTrue(reason != null && !reason.isBlank(), "closed with a reason: " + closed.encode());

        String back = guest.request("gpio-live 1", 30_000);
        long backMs = Long.parseLong(GuestFixture.field(back, "wall_ms"));
        JsonObject reopened = guest.awaitDevice(BURST,
                d -> d.getBoolean("open") && d.getInteger("reopens") > reopensBefore, 30_000);
        long afterMs = Instant.parse(reopened.getString("since")).toEpochMilli() - backMs;
        String detail = "[" + guest.mode + "] closed: '" + reason + "'; back " + back + "; reopened " + afterMs
                + " ms later as " + reopened.getString("path");
        System.out.println(detail);
        assertTrue(afterMs <= REOPEN_LIMIT_MS, detail);

        List<JsonObject> edges;
        try (GuestFixture.Socket socket = listening()) {
            guest.request("gpio-pull 2 1 0", 30_000);
            edges = socket.events(30_000, e -> edgeOf(e, BURST, 2), 2);
        }
        assertEquals(List.of("rising", "falling"), edges.stream().map(e -> e.getString("type")).toList(), detail);
        assertEquals(1L, edges.get(0).getLong("seq"), "the new request counts from 1: " + detail);
        // The device with lines by name is back too.
        guest.awaitDevice(GPIO, d -> d.getBoolean("open"), 30_000);
    }

    private static int lineValue(JsonObject device, String name) {
        JsonArray lines = device.getJsonArray("lines");
        for (Object o : lines) {
            JsonObject line = (JsonObject) o;
            if (name.equals(line.getString("name"))) {
                return line.getInteger("value");
            }
        }
        throw new AssertionError("no line " + name + " in " + device.encode());
    }

    /** The level the GPIO panel shows for "device/line", or null while it shows none. */
    private static String level(ChromeDriver browser, String row) {
        Object level = browser.executeScript("const tr = document.querySelector('#gpio-lines tr[data-line=\""
                + row + "\"]'); return tr ? tr.querySelector('td.level').dataset.level : null;");
        return level == null || "".equals(level) ? null : level.toString();
    }
}
