// SPDX-License-Identifier: Apache-2.0
package io.mypoll.testkit.bench;

import io.mypoll.bridge.cluster.DirectoryVerticle;
import io.mypoll.bridge.config.BridgeConfig;
import io.mypoll.bridge.config.DeviceSettings;
import io.mypoll.bridge.contract.Addresses;
import io.mypoll.bridge.contract.EventBatch;
import io.mypoll.bridge.device.DeviceOpenException;
import io.mypoll.bridge.device.DeviceVerticle;
import io.mypoll.driver.Device;
import io.mypoll.driver.mypoll.DeviceStats;
import io.mypoll.driver.mypoll.EmulatedDevice;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.HdrHistogram.Histogram;

/**
 * Fairness between the devices of one loop: one device floods faster than
 * the bridge takes its batches (so it is paused and loses events at the
 * device), a second device makes 1,000 events a second, and a third goes
 * away during the flood and comes back. Prints the second device's latency
 * to a batched consumer before and during the flood and its loss, the
 * flooding device's events made, read and lost, and the time the third
 * device took to be read again after its node came back.
 *
 * <pre>java -cp mypoll-testkit.jar io.mypoll.testkit.bench.FairnessBenchmark NOTIFY [FLOOD_SECONDS]</pre>
 */
public final class FairnessBenchmark {
    private static final int FLOOD_QUEUE = 1024;
    private static final int FLOOD_BURST = 4096;
    private static final long FLOOD_EVERY_NS = 2_000_000;
    private static final int STEADY_PERIOD_US = 1000;
    private static final long DEADLINE_NS = TimeUnit.SECONDS.toNanos(30);

    private FairnessBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: FairnessBenchmark sigio|poll [FLOOD_SECONDS]");
            System.exit(2);
        }
        // Not the consumers' "discarding message" warnings of the close.
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.SEVERE);
        run(args[0], args.length > 1 ? Integer.parseInt(args[1]) : 10);
        System.exit(0);
    }

    private static void run(String notify, int floodSeconds) throws Exception {
        Path dir = Files.createTempDirectory("fairness");
        Path node = Files.createFile(dir.resolve("returning"));
        EmulatedDevice flood = new EmulatedDevice("flood", 0, FLOOD_QUEUE);
        EmulatedDevice steady = new EmulatedDevice("steady", STEADY_PERIOD_US, 1 << 16);
        EmulatedDevice[] returning = new EmulatedDevice[1];
        BridgeConfig config = BridgeConfig.from(new JsonObject().put("node", "bench").put("notify", notify)
                .put("statusIntervalMs", 200).put("devices", new JsonArray()
                        .add(new JsonObject().put("id", "flood").put("type", "emulator"))
                        .add(new JsonObject().put("id", "steady").put("type", "emulator"))
                        .add(new JsonObject().put("id", "returning").put("type", "evdev")
                                .put("path", node.toString()))));
        Vertx vertx = Vertx.vertx();
        try {
            LatencyConsumer steadyQuiet = new LatencyConsumer(true, "steady");
            LatencyConsumer steadyFlooded = new LatencyConsumer(true, "steady");
            LatencyConsumer floodRead = new LatencyConsumer(true, "flood");
            for (LatencyConsumer c : new LatencyConsumer[] {steadyQuiet, steadyFlooded, floodRead}) {
                vertx.deployVerticle(c).await();
            }
            // The first batch of the returning device's new reader, after its node is back.
            AtomicLong backNs = new AtomicLong(Long.MAX_VALUE);
            AtomicLong firstReadNs = new AtomicLong();
            vertx.eventBus().<EventBatch>localConsumer(Addresses.LOCAL_EVENT_BATCHES, m -> {
                long now = System.nanoTime();
                if (m.body().device().equals("returning") && now > backNs.get()) {
                    firstReadNs.compareAndSet(0, now);
                }
            }).completion().await();
            AtomicLong floodPauses = new AtomicLong();
            vertx.eventBus().<JsonObject>consumer(Addresses.STATUS, m -> {
                for (Object d : m.body().getJsonArray("devices")) {
                    JsonObject device = (JsonObject) d;
                    if ("flood".equals(device.getString("id")) && device.getLong("paused") != null) {
                        floodPauses.accumulateAndGet(device.getLong("paused"), Math::max);
                    }
                }
            }).completion().await();
            vertx.deployVerticle(new DirectoryVerticle()).await();
            vertx.deployVerticle(new DeviceVerticle(config, settings -> open(settings, flood, steady, returning, node)),
                    new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER)).await();

            System.out.printf(Locale.ROOT, "fairness, notify %s: 'flood' (queue %d) makes %d events every 2 ms for %d s, 'steady' at %d"
                    + " events/s, 'returning' goes away and comes back during the flood%n", notify, FLOOD_QUEUE,
                    FLOOD_BURST, floodSeconds, 1_000_000 / STEADY_PERIOD_US);
            // Quiet: the steady device alone, a reference for the flood.
            Thread.sleep(1_000);
            steadyQuiet.record(true);
            Thread.sleep(3_000);
            steadyQuiet.record(false);

            AtomicBoolean flooding = new AtomicBoolean(true);
            Thread flooder = new Thread(() -> {
                try {
                    // Paced, so that the flood's maker does not take a core from the bridge as a device would not:
                    // about 2 M events/s, several times what the bridge can take.
                    long next = System.nanoTime();
                    while (flooding.get()) {
                        flood.burst(FLOOD_BURST);
                        next += FLOOD_EVERY_NS;
                        LockSupport.parkNanos(next - System.nanoTime());
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, "flooder");
            long floodStart = System.nanoTime();
            steadyFlooded.record(true);
            flooder.start();

            // The third device goes away a second into the flood, and its node comes back a second later.
            Thread.sleep(1_000);
            Files.delete(node);
            returning[0].hangUp();
            waitUntil("'returning' closed", () -> !isOpen(vertx, "returning"));
            Thread.sleep(1_000);
            backNs.set(System.nanoTime());
            Files.createFile(node);
            waitUntil("'returning' read again", () -> firstReadNs.get() != 0);
            double reopenMs = (firstReadNs.get() - backNs.get()) / 1e6;

            LockSupport.parkNanos(floodStart + TimeUnit.SECONDS.toNanos(floodSeconds) - System.nanoTime());
            flooding.set(false);
            flooder.join();
            steadyFlooded.record(false);
            DeviceStats made = flood.stats();
            waitUntil("the flood's queue drained", () -> readAll(flood, floodRead));

            long floodMade = flood.stats().generated();
            long floodReadEvents = floodRead.received() - floodRead.overruns();
            long floodLost = floodRead.lost();
            System.out.printf(Locale.ROOT, "%-44s %10s %10s %10s %9s %6s%n", "steady, tsNs -> batched consumer (us)",
                    "p50", "p99", "max", "samples", "gaps");
            print("  before the flood", steadyQuiet.toConsumer(), steadyQuiet.gaps());
            print("  during the flood", steadyFlooded.toConsumer(), steadyFlooded.gaps());
            print("  during the flood, the loop's read", steadyFlooded.toRead(), steadyFlooded.gaps());
            System.out.printf(Locale.ROOT, "steady lost during the flood: %d (overruns %d)%n", steadyFlooded.lost(),
                    steadyFlooded.overruns());
            System.out.printf(Locale.ROOT, "flood: made %d (%.0f/s), read %d, lost at the device %d: read + lost %s"
                            + " made; paused %d times%n", floodMade, made.generated() / (double) floodSeconds,
                    floodReadEvents, floodLost, floodReadEvents + floodLost == floodMade ? "=" : "!=",
                    floodPauses.get());
            System.out.printf(Locale.ROOT, "returning: read again %.1f ms after its node came back%n", reopenMs);
            double p99Ms = steadyFlooded.toConsumer().getValueAtPercentile(99) / 1e6;
            boolean met = steadyFlooded.lost() == 0 && steadyFlooded.gaps() == 0 && p99Ms < 5 && reopenMs < 1000;
            System.out.printf(Locale.ROOT, "goal (steady loses nothing, its p99 < 5 ms, back within 1 s): %s%n",
                    met ? "met" : "NOT met");
        } finally {
            vertx.close().await();
            Files.deleteIfExists(node);
            Files.deleteIfExists(dir);
        }
    }

    /** What the device verticle opens; the returning device only while its node exists, each time a new one. */
    private static Device open(DeviceSettings settings, EmulatedDevice flood, EmulatedDevice steady,
                               EmulatedDevice[] returning, Path node) {
        return switch (settings.id()) {
            case "flood" -> flood;
            case "steady" -> steady;
            default -> {
                if (!Files.exists(node)) {
                    throw new DeviceOpenException(settings.id(), "open(" + node + "): No such file");
                }
                try {
                    returning[0] = new EmulatedDevice("returning", STEADY_PERIOD_US, 1 << 16);
                } catch (IOException e) {
                    throw new DeviceOpenException(settings.id(), e.getMessage());
                }
                yield returning[0];
            }
        };
    }

    private static boolean isOpen(Vertx vertx, String id) {
        JsonArray devices = vertx.eventBus().<JsonArray>request(Addresses.DEVICES, null).await().body();
        for (Object d : devices) {
            JsonObject device = (JsonObject) d;
            if (id.equals(device.getString("id"))) {
                return device.getBoolean("open");
            }
        }
        return false;
    }

    /** Whether the consumer has every event of the device that the device has delivered, and none is queued. */
    private static boolean readAll(EmulatedDevice device, LatencyConsumer consumer) {
        try {
            DeviceStats stats = device.stats();
            return stats.queued() == 0 && consumer.received() - consumer.overruns() + consumer.lost()
                    >= stats.generated();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void print(String name, Histogram h, long gaps) {
        System.out.printf(Locale.ROOT, "%-44s %10.1f %10.1f %10.1f %9d %6d%n", name,
                h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0, h.getMaxValue() / 1000.0,
                h.getTotalCount(), gaps);
    }

    private static void waitUntil(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + DEADLINE_NS;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(what + ": not within 30 s");
            }
            LockSupport.parkNanos(1_000_000);
        }
    }
}
