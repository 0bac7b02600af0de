// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mypoll.bridge.cluster.DirectoryVerticle;
import io.mypoll.bridge.config.BridgeConfig;
import io.mypoll.bridge.config.DeviceSettings;
import io.mypoll.bridge.contract.Addresses;
import io.mypoll.driver.Device;
import io.mypoll.driver.evdev.EvdevDevice;
import io.mypoll.driver.linux.ErrnoException;
import io.mypoll.driver.linux.LibC;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A device whose node goes away and comes back, as an unplugged keyboard
 * does. The node is a plain file in a temporary directory (its appearing is
 * what inotify reports); the reader is an input device over a socketpair,
 * whose far end closing is the device going away.
 */
@ExtendWith(VertxExtension.class)
class HotPlugTest {
    @TempDir
    Path dir;
    private volatile int far = -1;
    private final BlockingQueue<JsonObject> events = new LinkedBlockingQueue<>();

    /** What the device verticle opens: a reader while the node exists, the node's absence otherwise. */
    private Device open(DeviceSettings config) {
        if (!Files.exists(Path.of(config.path()))) {
            throw new DeviceOpenException(config.id(), "open(" + config.path() + "): No such file");
        }
        int[] pair = new int[2];
        LibC.socketpair(LibC.AF_UNIX, LibC.SOCK_SEQPACKET | LibC.SOCK_CLOEXEC, 0, pair);
        far = pair[1];
        return EvdevDevice.over(config.id(), config.path(), pair[0]);
    }

    private Future<String> deploy(Vertx vertx, String notify, boolean waitForDevice) {
        BridgeConfig config = BridgeConfig.from(new JsonObject().put("node", "n").put("notify", notify)
                .put("statusIntervalMs", 200).put("devices", new JsonArray().add(new JsonObject()
                        .put("id", "kbd").put("type", "evdev").put("path", dir.resolve("event3").toString())
                        .put("waitForDevice", waitForDevice))));
        vertx.eventBus().<JsonObject>consumer(Addresses.EVENTS, m -> events.add(m.body())).completion().await();
        vertx.deployVerticle(new DirectoryVerticle()).await();
        return vertx.deployVerticle(new io.mypoll.bridge.device.DeviceVerticle(config, this::open),
                new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER));
    }

    private void press() throws ErrnoException {
        KeyPress.writeTo(far);
    }

    private static JsonObject device(Vertx vertx) {
        return vertx.eventBus().<JsonArray>request(Addresses.DEVICES, null).await().body().getJsonObject(0);
    }

    /** Waits for the device entry to match; returns the milliseconds it took. */
    private static long await(Vertx vertx, Predicate<JsonObject> condition, long timeoutMs) throws Exception {
        long start = System.nanoTime();
        Awaitility.await().atMost(Duration.ofMillis(timeoutMs)).pollInterval(Duration.ofMillis(10)).untilAsserted(() -> {
            JsonObject entry = device(vertx);
            assertTrue(condition.test(entry), () -> "device entry still " + entry.encode());
        });
        return (System.nanoTime() - start) / 1_000_000;
    }

    @AfterEach
    void closeFarEnd() {
        if (far >= 0) {
            LibC.close(far);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sigio", "poll"})
    void aDeviceThatGoesAwayIsOpenedAgainWhenItComesBack(String notify, Vertx vertx) throws Exception {
        Path node = Files.createFile(dir.resolve("event3"));
        deploy(vertx, notify, false).await();
        press();
        assertEquals(1, events.poll(5, TimeUnit.SECONDS).getLong("seq"));

        Files.delete(node);
        LibC.close(far);
        far = -1;
        await(vertx, d -> !d.getBoolean("open"), 5_000);
        JsonObject closed = device(vertx);
        assertEquals("end of file", closed.getString("closedReason"));

        Instant back = Instant.now();
        Files.createFile(node);
        // The watch opens it as soon as it is back (in milliseconds); the bound leaves room for a loaded machine.
        long ms = await(vertx, d -> d.getBoolean("open"), 5_000);
        JsonObject reopened = device(vertx);
        assertEquals(1, reopened.getInteger("reopens"), "reopened once, after " + ms + " ms");
        assertFalse(Instant.parse(reopened.getString("since")).isBefore(back), "since: when it was opened again");
        assertTrue(Instant.parse(closed.getString("since")).isBefore(back), "since: when it was closed");
        press();
        JsonObject again = events.poll(5, TimeUnit.SECONDS);
        assertEquals(1, again.getLong("seq"), "a new reader counts from 1");
    }

    @ParameterizedTest
    @ValueSource(booleans = {true})
    void aMissingDeviceIsWaitedForWhenConfigured(boolean waitForDevice, Vertx vertx) throws Exception {
        deploy(vertx, "poll", waitForDevice).await();
        JsonObject waiting = device(vertx);
        assertEquals(false, waiting.getBoolean("open"));
        assertTrue(waiting.getString("closedReason").startsWith("waiting for it: devices.kbd: open("),
                waiting.encode());
        Files.createFile(dir.resolve("event3"));
        await(vertx, d -> d.getBoolean("open"), 5_000);
        press();
        assertEquals("input", events.poll(5, TimeUnit.SECONDS).getString("type"));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false})
    void aMissingDeviceEndsTheStartByDefault(boolean waitForDevice, Vertx vertx) {
        Throwable e = deploy(vertx, "poll", waitForDevice).transform(ar -> Future.succeededFuture(ar.cause())).await();
        assertInstanceOf(DeviceOpenException.class, e);
        assertTrue(e.getMessage().startsWith("devices.kbd: open("), e.getMessage());
    }
}
