// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

/**
 * A real input device and a real clock in the guest, on the same loop as
 * the module's device: a virtual keyboard made through {@code /dev/uinput}
 * (driver/tools/uinput_keyboard), found by its name and grabbed, and the
 * CMOS RTC QEMU emulates.
 *
 * <p>The guest's bridge serves {@code "mypoll"} (the module),
 * {@code "keyboard"} ({@code evdev}, by name, {@code grab}, waited for) and
 * {@code "clock"} ({@code rtc} in the mode of {@code -Dmypoll.e2e.rtc}:
 * {@code update}, or {@code periodic} at {@code -Dmypoll.e2e.rtcHz}). The
 * guest types {@code -Dmypoll.e2e.text} when asked, and destroys and creates
 * the keyboard again (see {@link GuestFixture#request}).
 */
@Tag("e2e")
class GuestDevicesE2E {
    private static final String KEYBOARD = "keyboard";
    private static final String CLOCK = "clock";
    private static final String MYPOLL = "mypoll";
    /** A real device reopened this long after it is back, at most (the promise). */
    private static final long REOPEN_LIMIT_MS = 1_000;

    private static GuestFixture guest;
    private static String text;
    private static String rtcMode;
    private static int rtcHz;

    @BeforeAll
    static void setUp() {
        text = System.getProperty("mypoll.e2e.text");
        rtcMode = System.getProperty("mypoll.e2e.rtc");
        assertNotNull(text, "-Dmypoll.e2e.text=TEXT is required (the text the guest types)");
        assertNotNull(rtcMode, "-Dmypoll.e2e.rtc=update|periodic is required (the guest's clock mode)");
        rtcHz = Integer.parseInt(System.getProperty("mypoll.e2e.rtcHz", "64"));
        guest = GuestFixture.fromProperties();
    }

    @AfterAll
    static void tearDown() {
        if (guest != null) {
            guest.close();
        }
    }

    /** The kernel's name of the key that types {@code c} (the tool's keymap). */
    private static String keyName(char c) {
        return switch (c) {
            case ' ' -> "KEY_SPACE";
            case '-' -> "KEY_MINUS";
            case '.' -> "KEY_DOT";
            case ',' -> "KEY_COMMA";
            default -> "KEY_" + Character.toUpperCase(c);
        };
    }

    /** What typing the text gives: per character a press frame, then a release frame. */
    private static List<String> expectedKeys() {
        List<String> keys = new ArrayList<>();
        for (char c : text.toCharArray()) {
            keys.add(keyName(c) + " press");
            keys.add(keyName(c) + " release");
        }
        return keys;
    }

    /** A frame's keys as "KEY_X press"; nothing else a keyboard frame may hold (EV_SYN, EV_MSC) counts. */
    private static String keysOf(JsonObject frame) {
        JsonArray events = frame.getJsonArray("events");
        assertNotNull(events, "an input frame has events: " + frame.encode());
        return events.stream().map(JsonObject.class::cast).filter(e -> "EV_KEY".equals(e.getString("type")))
                .map(e -> e.getString("code") + " " + e.getString("action")).collect(Collectors.joining(", "));
    }

    /** Asks the guest to type the text; the keyboard's frames that arrive for it. */
    private static List<JsonObject> typeAndCollect(GuestFixture.Socket socket, StringBuilder answer)
            throws Exception {
        answer.append(guest.request("type", 60_000));
        return socket.events(15_000, e -> KEYBOARD.equals(e.getString("device")), text.length() * 2);
    }

    private static GuestFixture.Socket listening() throws Exception {
        GuestFixture.Socket socket = guest.socket();
        socket.register(GuestFixture.EVENTS);
        // Registered once an event of the module's timer comes through.
        socket.await(GuestFixture::isEvent, 10_000);
        return socket;
    }

    @Test
    void theKeyboardIsFoundByItsNameOnceItAppears() throws Exception {
        JsonObject d = guest.awaitDevice(KEYBOARD, e -> e.getBoolean("open"), 10_000);
        assertEquals("evdev", d.getString("type"), d.encode());
        assertTrue(d.getString("path").startsWith("/dev/input/event"), d.encode());
        assertEquals(guest.mode, d.getString("mode"), d.encode());
        assertEquals(false, d.getBoolean("triggers"), d.encode());
    }

    @Test
    void typedKeysArriveAsOnePressAndOneReleaseFramePerKeyInOrder() throws Exception {
        List<JsonObject> frames;
        StringBuilder answer = new StringBuilder();
        try (GuestFixture.Socket socket = listening()) {
            frames = typeAndCollect(socket, answer);
        }
        List<String> keys = frames.stream().map(GuestDevicesE2E::keysOf).toList();
        String detail = "[" + guest.mode + "] typed '" + text + "' (" + answer + "): " + frames.size() + " frames";
        System.out.println(detail);
        assertEquals(expectedKeys(), keys, detail);
        for (int i = 0; i < frames.size(); i++) {
            JsonObject f = frames.get(i);
            assertEquals("input", f.getString("type"), f.encode());
            assertEquals(0L, f.getLong("lost"), f.encode());
            if (i > 0) {
                assertEquals(frames.get(i - 1).getLong("seq") + 1, f.getLong("seq"), "no seq gap: " + f.encode());
                assertTrue(f.getLong("tsNs") > frames.get(i - 1).getLong("tsNs"), "kernel time goes on: " + f.encode());
            }
            // The kernel's CLOCK_MONOTONIC stamp of the frame, read a little later.
            double latencyUs = f.getDouble("latencyUs");
            assertTrue(latencyUs >= 0 && latencyUs < 1_000_000, "latencyUs from the frame's kernel time: " + f.encode());
        }
    }

    @Test
    void aSecondReaderOfTheGrabbedKeyboardGetsNothing() throws Exception {
        StringBuilder answer = new StringBuilder();
        List<JsonObject> frames;
        try (GuestFixture.Socket socket = listening()) {
            frames = typeAndCollect(socket, answer);
        }
        assertEquals(text.length() * 2, frames.size(), "the bridge got every frame: " + answer);
        // The guest read the same node with cat(1) while it typed.
        assertEquals("0", GuestFixture.field(answer.toString(), "second_reader_bytes"), answer.toString());
    }

    @Test
    void aKeyboardThatGoesAwayIsClosedWithItsReasonAndOpenedAgainWithinASecond() throws Exception {
        int reopensBefore = guest.awaitDevice(KEYBOARD, d -> d.getBoolean("open"), 10_000).getInteger("reopens");
        guest.request("destroy", 30_000);
        // Through /api/status, which shows the last status message: under the emulated CPU a
        // busy event loop may hand it over seconds late. The times compared below are the bridge's own.
        JsonObject closed = guest.awaitDevice(KEYBOARD, d -> !d.getBoolean("open"), 30_000);
        String reason = closed.getString("closedReason");
        assertTrue(reason != null && !reason.isBlank(), "closed with a reason: " + closed.encode());

        String created = guest.request("create", 30_000);
        long createdMs = Long.parseLong(GuestFixture.field(created, "wall_ms"));
        JsonObject reopened = guest.awaitDevice(KEYBOARD,
                d -> d.getBoolean("open") && d.getInteger("reopens") > reopensBefore, 30_000);
        // Both times are the guest's wall clock: the tool's, and the bridge's at the reopen.
        long afterMs = Instant.parse(reopened.getString("since")).toEpochMilli() - createdMs;
        String detail = "[" + guest.mode + "] closed: '" + reason + "'; created " + created + "; reopened "
                + afterMs + " ms later as " + reopened.getString("path") + ", reopens " + reopened.getInteger("reopens");
        System.out.println(detail);
        assertEquals(reopensBefore + 1, reopened.getInteger("reopens"), detail);
        assertTrue(afterMs <= REOPEN_LIMIT_MS, detail);

        StringBuilder answer = new StringBuilder();
        List<JsonObject> frames;
        try (GuestFixture.Socket socket = listening()) {
            frames = typeAndCollect(socket, answer);
        }
        assertEquals(expectedKeys(), frames.stream().map(GuestDevicesE2E::keysOf).toList(), "events flow again");
        assertEquals(1L, frames.get(0).getLong("seq"), "the new reader counts from 1");
    }

    @Test
    void theClockTicksAtTheRateOfItsMode() throws Exception {
        List<JsonObject> ticks = new ArrayList<>();
        try (GuestFixture.Socket socket = listening()) {
            ticks.add(socket.await(f -> GuestFixture.isEvent(f)
                    && CLOCK.equals(f.getJsonObject("body").getString("device")), 10_000).getJsonObject("body"));
            // Five more updates; periodic interrupts for five seconds of the clock's own time.
            Predicate<JsonObject> clock = e -> CLOCK.equals(e.getString("device"));
            ticks.addAll("update".equals(rtcMode) ? socket.events(15_000, clock, 5)
                    : socket.events(15_000, clock.and(e -> e.getLong("tsNs") - ticks.get(0).getLong("tsNs")
                            < 5_000_000_000L), rtcHz * 5 - 1));
        }
        assertTrue(ticks.size() >= 2, "clock events: " + ticks.size());
        JsonObject first = ticks.get(0);
        JsonObject last = ticks.get(ticks.size() - 1);
        // An event's seq is the count of interrupts so far: it jumps by 1 + lost when interrupts merged.
        long interrupts = last.getLong("seq") - first.getLong("seq");
        double seconds = (last.getLong("tsNs") - first.getLong("tsNs")) / 1e9;
        long merged = ticks.stream().mapToLong(e -> e.getLong("lost")).sum();
        double hz = interrupts / seconds;
        String detail = String.format(Locale.ROOT, "[%s] rtc %s: %d events, %d interrupts in %.3f s = %.2f Hz, "
                + "%d merged", guest.mode, rtcMode, ticks.size(), interrupts, seconds, hz, merged);
        System.out.println(detail);
        for (int i = 1; i < ticks.size(); i++) {
            JsonObject t = ticks.get(i);
            assertEquals(ticks.get(i - 1).getLong("seq") + 1 + t.getLong("lost"), t.getLong("seq"),
                    "seq counts every interrupt: " + t.encode());
        }
        if ("update".equals(rtcMode)) {
            // One a second: five more, each about a second after the one before.
            assertEquals(6, ticks.size(), detail);
            assertEquals(0, merged, detail);
            for (int i = 1; i < ticks.size(); i++) {
                double gap = (ticks.get(i).getLong("tsNs") - ticks.get(i - 1).getLong("tsNs")) / 1e9;
                assertTrue(Math.abs(gap - 1) <= 0.1, detail + "; interval " + gap + " s");
                assertEquals("update", ticks.get(i).getString("type"), ticks.get(i).encode());
            }
        } else {
            assertTrue(Math.abs(hz - rtcHz) <= rtcHz * 0.05, detail + " (within 5% of " + rtcHz + " Hz)");
            assertTrue(ticks.stream().allMatch(e -> "periodic".equals(e.getString("type"))), detail);
        }
    }

    @Test
    void eachDeviceOnTheLoopGetsOnlyItsOwnEvents() throws Exception {
        List<JsonObject> events = new ArrayList<>();
        try (GuestFixture.Socket socket = listening()) {
            guest.request("type", 60_000);
            // Until every key's frames and two events of each other device are in, or 20 s.
            long deadline = System.currentTimeMillis() + 20_000;
            while (System.currentTimeMillis() < deadline && !(count(events, KEYBOARD) >= text.length() * 2
                    && count(events, CLOCK) >= 2 && count(events, MYPOLL) >= 2)) {
                events.addAll(socket.events(500));
            }
        }
        Map<String, List<JsonObject>> byDevice = events.stream()
                .collect(Collectors.groupingBy(e -> e.getString("device")));
        String detail = "[" + guest.mode + "] events by device: " + byDevice.entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue().size()).collect(Collectors.joining(", "));
        System.out.println(detail);
        assertEquals(Set.of(MYPOLL, KEYBOARD, CLOCK), byDevice.keySet(), detail);
        for (JsonObject e : byDevice.get(MYPOLL)) {
            assertTrue(Set.of("timer", "manual", "burst").contains(e.getString("type")), e.encode());
            assertTrue(e.containsKey("payload") && !e.containsKey("events"), e.encode());
        }
        for (JsonObject e : byDevice.get(KEYBOARD)) {
            assertEquals("input", e.getString("type"), e.encode());
            assertFalse(keysOf(e).isEmpty(), e.encode());
            assertFalse(e.containsKey("payload"), e.encode());
        }
        for (JsonObject e : byDevice.get(CLOCK)) {
            assertEquals(rtcMode, e.getString("type"), e.encode());
            assertFalse(e.containsKey("payload") || e.containsKey("events"), e.encode());
        }
        for (String device : List.of(MYPOLL, KEYBOARD)) {
            List<JsonObject> own = byDevice.get(device);
            for (int i = 1; i < own.size(); i++) {
                assertEquals(own.get(i - 1).getLong("seq") + 1, own.get(i).getLong("seq"),
                        device + ": no gap, no other device's event between: " + own.get(i).encode());
            }
        }
    }

    private static long count(List<JsonObject> events, String device) {
        return events.stream().filter(e -> device.equals(e.getString("device"))).count();
    }

    @Test
    void theDashboardShowsTheTypesAndTheTypedKeys() throws Exception {
        ChromeDriver browser = GuestFixture.browser();
        String shot = "devices-" + guest.mode;
        try {
            browser.get("http://127.0.0.1:" + guest.port + "/");
            // Registered: the device rows come by REST, events only once the bus is connected.
            GuestFixture.waitFor(browser, "the module's timer events", shot, () -> (Boolean) browser.executeScript(
                    "return Array.from(document.querySelectorAll('#events tbody tr:not([hidden]) td.type'))"
                            + ".some(td => td.textContent === 'timer');"));
            GuestFixture.waitFor(browser, "the device rows", shot, () -> {
                Map<String, List<String>> rows = deviceRows(browser);
                return rows.containsKey(KEYBOARD) && rows.containsKey(CLOCK) && rows.containsKey(MYPOLL);
            });
            Map<String, List<String>> rows = deviceRows(browser);
            assertEquals(List.of("evdev", "open"), rows.get(KEYBOARD), rows.toString());
            assertEquals(List.of("rtc", "open"), rows.get(CLOCK), rows.toString());
            assertEquals(List.of(MYPOLL), triggerChoices(browser), "only the module's device takes triggers");

            // Every input row the table shows is noted as it is drawn: at 64 clock events a
            // second, its 200 rows hold a key's frame for about three seconds.
            browser.executeScript(SEEN_INPUT_ROWS);
            CompletableFuture<String> typed = CompletableFuture.supplyAsync(() -> {
                try {
                    return guest.request("type", 60_000);
                } catch (Exception e) {
                    throw new CompletionException(e);
                }
            });
            String firstKey = keyName(text.charAt(0)) + " press";
            GuestFixture.waitFor(browser, "the typed keys in the table", shot,
                    () -> inputDetails(browser).contains(firstKey));
            typed.get(60, TimeUnit.SECONDS);
            GuestFixture.screenshot(browser, "e2e-" + shot + ".png");
            List<LogEntry> errors = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                    .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()).toList();
            assertTrue(errors.isEmpty(), "console errors: " + errors);
        } finally {
            browser.quit();
        }
    }

    /** The device table's rows by id: [type, state]. */
    @SuppressWarnings("unchecked")
    private static Map<String, List<String>> deviceRows(ChromeDriver browser) {
        List<List<String>> rows = (List<List<String>>) browser.executeScript(
                "return Array.from(document.querySelectorAll('#devices tbody tr:not(.empty)'))"
                        + ".map(tr => [tr.cells[0].textContent, tr.querySelector('td.type').textContent,"
                        + " tr.querySelector('td.state').textContent]);");
        return rows.stream().collect(Collectors.toMap(r -> r.get(0), r -> r.subList(1, 3), (a, b) -> a));
    }

    @SuppressWarnings("unchecked")
    private static List<String> triggerChoices(ChromeDriver browser) {
        return (List<String>) browser.executeScript(
                "return Array.from(document.querySelectorAll('#trigger-device option')).map(o => o.value);");
    }

    /** Notes the details cell of every input row the events table draws, in window.seenInputRows. */
    private static final String SEEN_INPUT_ROWS = "window.seenInputRows = new Set();"
            + "const note = () => document.querySelectorAll('#events tbody tr:not([hidden])').forEach(tr => {"
            + "  if (tr.querySelector('td.type').textContent === 'input')"
            + "    window.seenInputRows.add(tr.querySelector('td.payload').textContent); });"
            + "new MutationObserver(note).observe(document.querySelector('#events tbody'),"
            + "  {subtree: true, characterData: true, childList: true, attributes: true});";

    /** The keys of the input rows the table has drawn since {@link #SEEN_INPUT_ROWS}. */
    @SuppressWarnings("unchecked")
    private static List<String> inputDetails(ChromeDriver browser) {
        List<String> details = (List<String>) browser.executeScript("return Array.from(window.seenInputRows);");
        return details.stream().flatMap(d -> List.of(d.split(", ")).stream()).toList();
    }
}
