// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.mypoll.bridge.cluster.DirectoryVerticle;
import io.mypoll.bridge.config.BridgeConfig;
import io.mypoll.bridge.device.DeviceVerticle;
import io.mypoll.driver.Device;
import io.mypoll.driver.DeviceEvent;
import io.mypoll.driver.mypoll.EmulatedDevice;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The watchdog against a fake notify socket, a device verticle whose device
 * can wedge the loop thread, and an HTTP server: systemd's watchdog of 2 s
 * asks for a ping every second, each check having 500 ms.
 */
class WatchdogTest {
    private static final long WATCHDOG_USEC = 2_000_000;
    private static final long CHECK_DEADLINE_MS = 500;

    @TempDir
    Path dir;
    private Vertx vertx;
    private FakeNotifySocket systemd;
    private WedgingDevice device;
    private DeviceVerticle devices;
    private HttpServer server;
    /** Whether the HTTP server answers; when not, it takes requests and never replies. */
    private volatile boolean serverAnswers = true;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        systemd = new FakeNotifySocket(dir);
        device = new WedgingDevice(new EmulatedDevice("emu", 1_000, 1024));
        vertx.deployVerticle(new DirectoryVerticle()).await();
        devices = DeviceVerticle.serving(BridgeConfig.from(new JsonObject().put("node", "test-node")),
                List.of(device));
        vertx.deployVerticle(devices, new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER)).await();
        server = vertx.createHttpServer().requestHandler(request -> {
            if (serverAnswers) {
                request.response().setStatusCode(503).end(); // unhealthy, but answering
            }
        }).listen(0, "127.0.0.1").await();
        HttpProbe probe = new HttpProbe(vertx, "127.0.0.1", server.actualPort(), false);
        vertx.deployVerticle(new Watchdog(new SystemdNotifier(systemd.path, WATCHDOG_USEC), List.of(
                new Watchdog.Check("device loop", devices::nextLoopTurn),
                new Watchdog.Check("HTTP server", probe::get)))).await();
    }

    @AfterEach
    void stop() throws Exception {
        device.release();
        vertx.close().await();
        systemd.close();
    }

    @Test
    void readyArrivesFirstThenWatchdogPingsKeepComingWhileEverythingAnswers() throws Exception {
        systemd.await("READY=1", 5_000);
        assertEquals("READY=1", systemd.received.get(0).text(), "the first message");
        for (int i = 0; i < 3; i++) {
            systemd.await("WATCHDOG=1", 10_000);
        }
    }

    @Test
    void pingsStopWhileTheDeviceLoopIsWedgedAndComeBackWhenItTurns() throws Exception {
        systemd.await("WATCHDOG=1", 10_000);
        device.wedge();
        device.stuck.await();
        // A check that began before may still answer until its deadline; none after it for three intervals.
        long from = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CHECK_DEADLINE_MS + 50);
        assertEquals(0, systemd.countBetween("WATCHDOG=1", from, from + TimeUnit.SECONDS.toNanos(3)),
                "pings while the device loop was stuck");
        device.release();
        systemd.await("WATCHDOG=1", 10_000);
    }

    @Test
    void pingsStopWhileTheHttpServerDoesNotAnswerAndComeBackWhenItDoes() throws Exception {
        systemd.await("WATCHDOG=1", 10_000);
        serverAnswers = false;
        long from = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CHECK_DEADLINE_MS + 50);
        assertEquals(0, systemd.countBetween("WATCHDOG=1", from, from + TimeUnit.SECONDS.toNanos(3)),
                "pings while the HTTP server did not answer");
        serverAnswers = true;
        systemd.await("WATCHDOG=1", 10_000);
    }

    @Test
    void withoutNotifySocketNothingIsSentAndNoWatchdogRuns() {
        SystemdNotifier off = SystemdNotifier.fromEnvironment(java.util.Map.of("WATCHDOG_USEC", "400000"));
        assertFalse(off.enabled());
        assertEquals(0, off.watchdogIntervalMs());
    }

    @Test
    void aWatchdogForAnotherProcessIsNotThisOnes() {
        SystemdNotifier other = SystemdNotifier.fromEnvironment(java.util.Map.of("NOTIFY_SOCKET", systemd.path,
                "WATCHDOG_USEC", "400000", "WATCHDOG_PID", "1"));
        assertEquals(0, other.watchdogIntervalMs());
    }

    /** An emulated device whose read stops the loop thread after {@link #wedge()}, until {@link #release()}. */
    private static final class WedgingDevice implements Device {
        private final EmulatedDevice device;
        private final CountDownLatch released = new CountDownLatch(1);
        final CountDownLatch stuck = new CountDownLatch(1);
        private volatile boolean wedged;

        WedgingDevice(EmulatedDevice device) {
            this.device = device;
        }

        void wedge() {
            wedged = true;
        }

        void release() {
            released.countDown();
        }

        @Override
        public boolean read(int maxReads, List<DeviceEvent> into) throws IOException {
            if (wedged) {
                stuck.countDown();
                try {
                    released.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return device.read(maxReads, into);
        }

        @Override
        public String id() {
            return device.id();
        }

        @Override
        public String path() {
            return device.path();
        }

        @Override
        public String kind() {
            return device.kind();
        }

        @Override
        public int fd() {
            return device.fd();
        }

        @Override
        public List<String> eventTypes() {
            return device.eventTypes();
        }

        @Override
        public void close() {
            device.close();
        }
    }
}
