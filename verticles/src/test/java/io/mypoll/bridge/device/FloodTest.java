// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mypoll.bridge.cluster.DirectoryVerticle;
import io.mypoll.bridge.config.BridgeConfig;
import io.mypoll.bridge.config.DeviceSettings;
import io.mypoll.bridge.contract.Addresses;
import io.mypoll.driver.Device;
import io.mypoll.driver.evdev.EvdevDevice;
import io.mypoll.driver.linux.ErrnoException;
import io.mypoll.driver.linux.LibC;
import io.mypoll.driver.mypoll.EmulatedDevice;
import io.mypoll.driver.mypoll.MypollAbi;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One device floods while the device verticle's context is busy, so that
 * every batch the loop may hand over waits for that context; meanwhile
 * another device comes back. The loop must go on taking commands (the
 * reopened device is added) and reading the other devices: the flooding
 * device's overflow stays at the device.
 *
 * <p>The context is held by the opener of the device that comes back (it
 * runs on the context when the device's node appears): it makes the flooding
 * device hand over one batch at a time until a whole budget of batches is
 * waiting, then floods it past its queue, and only then returns.
 */
@ExtendWith(VertxExtension.class)
class FloodTest {
    /** The loop's budget of batches in flight per device: a device past it is not read. */
    private static final int BATCHES_IN_FLIGHT = 64;
    private static final int FLOOD_QUEUE = 1024;

    @TempDir
    Path dir;
    private EmulatedDevice flood;
    private volatile int far = -1;
    private final BlockingQueue<JsonObject> floodEvents = new LinkedBlockingQueue<>();
    private final BlockingQueue<JsonObject> kbdEvents = new LinkedBlockingQueue<>();
    private final AtomicBoolean holdNextOpen = new AtomicBoolean();
    /** When the holding opener returned, System.nanoTime(). */
    private volatile long releasedNs;
    /** {@code paused} of the flooding device in the last status. */
    private volatile long floodPaused;

    /** On the device verticle's context. */
    private Device open(DeviceSettings config) {
        if (config.id().equals("flood")) {
            return flood;
        }
        if (!Files.exists(Path.of(config.path()))) {
            throw new DeviceOpenException(config.id(), "open(" + config.path() + "): No such file");
        }
        if (holdNextOpen.getAndSet(false)) {
            try {
                holdTheContextWhileTheFloodFillsItsBudget();
            } catch (Exception e) {
                throw new AssertionError(e);
            } finally {
                releasedNs = System.nanoTime();
            }
        }
        int[] pair = new int[2];
        LibC.socketpair(LibC.AF_UNIX, LibC.SOCK_SEQPACKET | LibC.SOCK_CLOEXEC, 0, pair);
        far = pair[1];
        return EvdevDevice.over(config.id(), config.path(), pair[0]);
    }

    /**
     * A slow opener, as a device's open can be: the context is busy here, so
     * each batch the loop hands over waits for it. One event at a time makes
     * each its own batch, until a budget's worth waits; then the device
     * floods past its queue.
     */
    private void holdTheContextWhileTheFloodFillsItsBudget() throws Exception {
        floodEvents.clear();
        for (int i = 0; i < BATCHES_IN_FLIGHT; i++) {
            flood.burst(1);
            assertNotNull(floodEvents.poll(20, TimeUnit.SECONDS), "batch " + (i + 1) + " of the flood published");
        }
        long lostBefore = flood.stats().lost();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (flood.stats().lost() == lostBefore && System.nanoTime() < until) {
            flood.burst(MypollAbi.BURST_MAX);
        }
        assertTrue(flood.stats().lost() > lostBefore, "the flood overflowed the device's queue");
        // It goes on flooding while the other device comes back.
        flood.setPeriodUs(50);
    }

    private void press() throws ErrnoException {
        KeyPress.writeTo(far);
    }

    private static JsonObject entry(Vertx vertx, String id) {
        JsonArray all = vertx.eventBus().<JsonArray>request(Addresses.DEVICES, null).await().body();
        for (int i = 0; i < all.size(); i++) {
            if (id.equals(all.getJsonObject(i).getString("id"))) {
                return all.getJsonObject(i);
            }
        }
        throw new AssertionError("no entry for " + id + " in " + all.encode());
    }

    @AfterEach
    void closeDevices() {
        if (far >= 0) {
            LibC.close(far);
        }
        if (flood != null) {
            flood.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sigio", "poll"})
    void aDeviceThatComesBackWhileAnotherFloodsIsReadAgainWithinASecond(String notify, Vertx vertx)
            throws Exception {
        flood = new EmulatedDevice("flood", 0, FLOOD_QUEUE);
        Path node = Files.createFile(dir.resolve("event3"));
        BridgeConfig config = BridgeConfig.from(new JsonObject().put("node", "n").put("notify", notify)
                .put("statusIntervalMs", 200).put("devices", new JsonArray()
                        .add(new JsonObject().put("id", "flood").put("type", "emulator"))
                        .add(new JsonObject().put("id", "kbd").put("type", "evdev").put("path", node.toString()))));
        vertx.eventBus().<JsonObject>consumer(Addresses.EVENTS, m -> {
            (m.body().getString("device").equals("kbd") ? kbdEvents : floodEvents).add(m.body());
        }).completion().await();
        vertx.eventBus().<JsonObject>consumer(Addresses.STATUS, m -> m.body().getJsonArray("devices").stream()
                .map(JsonObject.class::cast).filter(d -> d.getString("id").equals("flood") && d.containsKey("paused"))
                .forEach(d -> floodPaused = d.getLong("paused"))).completion().await();
        vertx.deployVerticle(new DirectoryVerticle()).await();
        vertx.deployVerticle(new DeviceVerticle(config, this::open),
                new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER)).await();
        press();
        assertNotNull(kbdEvents.poll(20, TimeUnit.SECONDS), "the keyboard is read");

        Files.delete(node);
        LibC.close(far);
        far = -1;
        Awaitility.await("the keyboard reported closed").atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(10)).until(() -> !entry(vertx, "kbd").getBoolean("open"));

        holdNextOpen.set(true);
        Files.createFile(node);
        // Bounded, so that a bridge that never adds the device fails here; the bound asserted is below.
        Awaitility.await("the keyboard open again").atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(10)).until(() -> entry(vertx, "kbd").getBoolean("open"));
        long ms = (System.nanoTime() - releasedNs) / 1_000_000;
        assertEquals(1, entry(vertx, "kbd").getInteger("reopens"));
        assertTrue(ms <= 1_000, "open again " + ms + " ms after the context was free");
        kbdEvents.clear();
        press();
        JsonObject event = kbdEvents.poll(20, TimeUnit.SECONDS);
        assertNotNull(event, "the keyboard's key press read while the other device floods");
        assertEquals(1, event.getLong("seq"), "a new reader counts from 1");
        Awaitility.await("the flooding device's pauses in its status").atMost(Duration.ofSeconds(20))
                .until(() -> floodPaused > 0);
        flood.setPeriodUs(0);
    }
}
