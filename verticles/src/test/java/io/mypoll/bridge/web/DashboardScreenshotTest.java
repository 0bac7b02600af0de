// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Memory;
import io.mypoll.bridge.cluster.DirectoryVerticle;
import io.mypoll.bridge.config.BridgeConfig;
import io.mypoll.bridge.device.DeviceVerticle;
import io.mypoll.driver.evdev.EvdevDevice;
import io.mypoll.driver.evdev.InputAbi;
import io.mypoll.driver.linux.ErrnoException;
import io.mypoll.driver.linux.LibC;
import io.mypoll.driver.linux.NativeBuffers;
import io.mypoll.driver.mypoll.EmulatedDevice;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The README's screenshot, taken of a live bridge: two emulated mypoll devices (a steady timer, and a slow
 * one with bursts), an input device whose key frames the test writes as the kernel writes them, 30 s of
 * history before the page opens, live events after it and a trigger sent from the page. It is written to
 * {@code target/dashboard.png}; docs/TESTING.md says how it becomes {@code docs/dashboard.png}.
 */
@ExtendWith(VertxExtension.class)
class DashboardScreenshotTest {
    /** Events before the page opens: the history it shows at once. */
    private static final long HISTORY_MS = 30_000;
    /** The table's rows: the scene stays below, so that every counted event is also a row. */
    private static final int TABLE_ROWS = 200;
    private static final int[] KEYS = {50, 21, 25, 24, 24, 38};  // KEY_M, KEY_Y, KEY_P, KEY_O, KEY_O, KEY_L

    private final ScheduledExecutorService scene = Executors.newSingleThreadScheduledExecutor();
    private int keyboardFarEnd = -1;
    private int typed;
    private ChromeDriver browser;

    @AfterEach
    void close() {
        scene.shutdownNow();
        if (browser != null) {
            browser.quit();
        }
        if (keyboardFarEnd >= 0) {
            LibC.close(keyboardFarEnd);
        }
    }

    @Test
    void theDashboardOfSeveralDevicesCountsWhatItShows(Vertx vertx) throws Exception {
        BridgeConfig config = BridgeConfig.from(new JsonObject().put("node", "node-1").put("statusIntervalMs", 500)
                .put("http", new JsonObject().put("port", 0))
                .put("devices", new JsonArray()
                        .add(new JsonObject().put("id", "pump").put("type", "emulator").put("periodMs", 500))
                        .add(new JsonObject().put("id", "sensor").put("type", "emulator").put("periodMs", 2000))
                        .add(new JsonObject().put("id", "kbd").put("type", "evdev").put("path", "/dev/input/event3"))));
        EmulatedDevice pump = new EmulatedDevice("pump", 500_000, 1 << 16);
        EmulatedDevice sensor = new EmulatedDevice("sensor", 2_000_000, 1 << 16);
        int[] pair = new int[2];
        ErrnoException.check("socketpair", LibC.socketpair(LibC.AF_UNIX, LibC.SOCK_SEQPACKET | LibC.SOCK_CLOEXEC, 0,
                pair));
        keyboardFarEnd = pair[1];
        EvdevDevice keyboard = EvdevDevice.over("kbd", "/dev/input/event3", pair[0]);

        vertx.deployVerticle(new DirectoryVerticle()).await();
        vertx.deployVerticle(DeviceVerticle.serving(config, List.of(pump, sensor, keyboard)),
                new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER)).await();
        HttpVerticle http = new HttpVerticle(config);
        vertx.deployVerticle(http).await();
        long started = System.currentTimeMillis();
        scene.scheduleAtFixedRate(this::typeAKey, 700, 2_000, TimeUnit.MILLISECONDS);
        scene.scheduleAtFixedRate(() -> burst(sensor), 3_000, 10_000, TimeUnit.MILLISECONDS);

        browser = HeadlessChromium.start();
        browser.manage().window().setSize(new Dimension(1400, 1500));
        // Not a wait for a condition: the picture shows this much history, whatever it holds.
        Thread.sleep(Math.max(0, HISTORY_MS - (System.currentTimeMillis() - started)));
        long madeBeforeOpen = pump.stats().generated() + sensor.stats().generated();
        browser.get("http://127.0.0.1:" + http.port() + "/");
        DashboardPage page = new DashboardPage(browser);
        page.waitFor("the connection", () -> "connected".equals(browser.findElement(By.id("connection")).getText()));

        By pumpOption = By.cssSelector("#trigger-device option[value='pump']");
        page.waitFor("the devices that take triggers", () -> !browser.findElements(pumpOption).isEmpty());
        browser.findElement(pumpOption).click();
        browser.findElement(By.id("trigger-payload")).clear();
        browser.findElement(By.id("trigger-payload")).sendKeys("hello from the dashboard");
        browser.findElement(By.id("trigger-button")).click();
        page.waitFor("the manual event and live ones after it", () -> page.shown().rowsAbove("manual") >= 8);

        DashboardPage.Shown shown = screenshotOfAConsistentMoment(page);
        assertTrue(shown.total() < TABLE_ROWS, "the scene made more events than the table shows: " + shown);
        assertTrue(shown.total() >= madeBeforeOpen, "the cards count the history: " + shown.total() + " of "
                + madeBeforeOpen + " events made before the page opened");
        assertEquals(List.of("kbd|evdev|open", "pump|emulator|open", "sensor|emulator|open"), shown.devices());
        for (String type : List.of("timer", "manual", "burst", "input")) {
            assertTrue(shown.rowsOf(type) > 0, "rows of type " + type + ": " + shown);
        }
        assertTrue(shown.chartSeconds() >= 30, "the chart's past: " + shown);
    }

    /**
     * The moment at which the cards count exactly the table's rows, per type and in total (the history
     * before the page opened included), and the screenshot of it: taken between two reads that agree, so
     * that no event was drawn in between.
     */
    private DashboardPage.Shown screenshotOfAConsistentMoment(DashboardPage page) throws Exception {
        Path shot = Path.of("target", "dashboard.png");
        DashboardPage.Shown[] first = {null};
        DashboardPage.Shown[] last = {null};
        page.waitFor("cards that count the table's rows", () -> {
            DashboardPage.Shown before = page.shown();
            if (first[0] == null) {
                first[0] = before;
            }
            if (!before.cardsCountTheRows()) {
                last[0] = before;
                return false;
            }
            try {
                Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), shot,
                        StandardCopyOption.REPLACE_EXISTING);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            DashboardPage.Shown after = page.shown();
            last[0] = after;
            return after.equals(before);
        }, () -> "first read: " + first[0] + "; last read: " + last[0]);
        return last[0];
    }

    private void typeAKey() {
        int code = KEYS[typed++ % KEYS.length];
        try {
            frame(InputAbi.EV_KEY, code, 1);
            frame(InputAbi.EV_KEY, code, 0);
        } catch (ErrnoException e) {
            throw new AssertionError(e);
        }
    }

    /** One frame (the record and its SYN_REPORT) stamped now, on CLOCK_MONOTONIC as the kernel stamps it. */
    private void frame(int type, int code, int value) throws ErrnoException {
        long now = System.nanoTime();
        Memory out = new Memory(2L * InputAbi.EVENT_SIZE);
        ByteBuffer view = NativeBuffers.view(out);
        int[][] records = {{type, code, value}, {InputAbi.EV_SYN, InputAbi.SYN_REPORT, 0}};
        for (int i = 0; i < records.length; i++) {
            int at = i * InputAbi.EVENT_SIZE;
            view.putLong(at + InputAbi.OFFSET_SEC, now / 1_000_000_000L)
                    .putLong(at + InputAbi.OFFSET_USEC, now % 1_000_000_000L / 1_000)
                    .putShort(at + InputAbi.OFFSET_TYPE, (short) records[i][0])
                    .putShort(at + InputAbi.OFFSET_CODE, (short) records[i][1])
                    .putInt(at + InputAbi.OFFSET_VALUE, records[i][2]);
        }
        ErrnoException.check("write", LibC.write(keyboardFarEnd, out, out.size()));
    }

    private static void burst(EmulatedDevice sensor) {
        try {
            sensor.burst(8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
