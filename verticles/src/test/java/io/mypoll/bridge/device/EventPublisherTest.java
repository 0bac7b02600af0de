// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.device;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mypoll.bridge.HeapUse;
import io.mypoll.bridge.config.BridgeConfig;
import io.mypoll.bridge.contract.Addresses;
import io.mypoll.driver.DeviceLoop;
import io.mypoll.driver.NotifyMode;
import io.mypoll.driver.linux.LibC;
import io.mypoll.driver.mypoll.EmulatedDevice;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The hand-off from the loop thread to the device verticle's context, and its backpressure. */
@ExtendWith(VertxExtension.class)
class EventPublisherTest {
    /** A worker context the test can hold busy, as a slow bridge would be. */
    private static final class Worker extends VerticleBase {
        Context ctx;

        @Override
        public Future<?> start() {
            ctx = context;
            return Future.succeededFuture();
        }
    }

    @Test
    void aContextThatFallsBehindPausesTheDeviceWhichLosesEventsThereNotInTheHeap(Vertx vertx) throws Exception {
        Worker worker = new Worker();
        vertx.deployVerticle(worker, new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER)).await();
        EmulatedDevice device = new EmulatedDevice("d", 0, 1024);
        ServedDevice served = new ServedDevice(BridgeConfig.from(new JsonObject().put("devices", new JsonArray()
                .add(new JsonObject().put("id", "d").put("type", "emulator")))).devices().get(0), device);
        EventPublisher publisher = new EventPublisher(worker.ctx, "test-node", null, Map.of("d", served),
                (d, reason) -> { });
        AtomicLong received = new AtomicLong();
        AtomicLong overruns = new AtomicLong();
        AtomicLong lostByOverrun = new AtomicLong();
        vertx.eventBus().<JsonObject>consumer(Addresses.EVENTS, m -> {
            received.incrementAndGet();
            if ("overrun".equals(m.body().getString("type"))) {
                overruns.incrementAndGet();
                lostByOverrun.addAndGet(m.body().getLong("lost"));
            }
        }).completion().await();

        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        worker.ctx.runOnContext(v -> {
            held.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(held.await(5, TimeUnit.SECONDS));
        long heapBefore = HeapUse.afterGc();
        int total = 0;
        try (DeviceLoop loop = new DeviceLoop("device-loop", NotifyMode.POLL, LibC.SIGIO, publisher).start()) {
            loop.add(device).join();
            // Bursts that each fit the device's queue, far apart for a loop that reads: only a
            // device the loop stops reading loses any. Until the device loses some, or 10 s.
            long until = System.currentTimeMillis() + 10_000;
            while (device.stats().lost() == 0 && System.currentTimeMillis() < until) {
                device.burst(512);
                total += 512;
                // Pacing, not a wait for a condition: the bursts come far apart, as the comment above says.
                Thread.sleep(5);
            }
            long heapWhileHeld = HeapUse.afterGc();
            long lostAtTheDevice = device.stats().lost();
            long pauses = loop.pauses(device);
            try {
                // The loop itself never waits for the context: it still takes commands.
                loop.nextTurn().get(20, TimeUnit.SECONDS);
            } finally {
                // Before the loop's close, which waits for its thread.
                release.countDown();
            }

            // Every event made is either received or counted lost by an OVERRUN event.
            int made = total;
            await("every event received or reported lost").atMost(Duration.ofSeconds(10))
                    .until(() -> received.get() - overruns.get() + lostByOverrun.get(), n -> n >= made);
            String detail = "made " + total + ", lost at the device " + lostAtTheDevice + ", received "
                    + received.get() + " (overruns saying " + lostByOverrun.get() + " lost), heap grew "
                    + ((heapWhileHeld - heapBefore) >> 20) + " MB";
            assertTrue(pauses > 0, "the loop paused the device: " + detail);
            assertTrue(lostAtTheDevice > 0, "the loop stopped reading, and the device lost events: " + detail);
            assertTrue(heapWhileHeld - heapBefore < 32L << 20, detail);
            assertEquals(total, received.get() - overruns.get() + lostByOverrun.get(),
                    "every event arrives or is reported lost: " + detail);
        } finally {
            release.countDown();
            device.close();
        }
    }
}
