// SPDX-License-Identifier: Apache-2.0
package io.mypoll.testkit.bench;

import io.mypoll.bridge.contract.Addresses;
import io.mypoll.bridge.config.BridgeConfig;
import io.mypoll.bridge.BridgeVerticle;
import io.mypoll.bridge.cluster.ClusterSetup;
import io.mypoll.testkit.BridgeNode;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;

/**
 * Measures events crossing a Vert.x cluster on loopback. The device node is
 * the bridge's {@link Main} in a JVM of its own with an emulated device; this
 * JVM is a node with no device ({@code devices: []}) whose consumer verticle
 * takes {@code mypoll.events} as any consumer in the cluster does. The timer
 * and the bursts are driven with {@code mypoll.control.<device>} requests
 * across the cluster. The C reference runs in the same run, on this machine.
 *
 * <pre>java -cp mypoll-testkit.jar io.mypoll.testkit.bench.ClusterBenchmark C_TOOL [RATE_HZ SECONDS BURST BURSTS NOTIFY]</pre>
 */
public final class ClusterBenchmark {
    private final Workload work;
    private static final String DEVICE = "bench";
    /** Held, so that its level stays: no CP data structure is used, as in conf/logging.properties. */
    private static final java.util.logging.Logger CP_SUBSYSTEM =
            java.util.logging.Logger.getLogger("com.hazelcast.cp.CPSubsystem");

    private final String notify;
    private final String clusterName = "mypoll-bench-" + ThreadLocalRandom.current().nextInt(1_000_000);

    private ClusterBenchmark(String[] args) {
        work = Workload.parse(args);
        notify = args.length > 5 ? args[5] : "sigio";
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: ClusterBenchmark C_TOOL [RATE_HZ SECONDS BURST BURSTS NOTIFY]");
            System.exit(2);
        }
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
        CP_SUBSYSTEM.setLevel(java.util.logging.Level.SEVERE);
        new ClusterBenchmark(args).run();
        System.exit(0);
    }

    private void run() throws Exception {
        System.out.printf(Locale.ROOT, "%s%n", CReference.machine());
        System.out.printf(Locale.ROOT, "two nodes on loopback, cluster %s; device node notify %s%n", clusterName,
                notify);
        System.out.println(work.describe());
        System.out.println();

        System.out.println("running the C reference ...");
        CReference.Result c = CReference.run(work);

        System.out.println("starting the device node ...");
        try (BridgeNode deviceNode = BridgeNode.start("device node", deviceNodeConfig())) {
            System.out.println("joining as the consumer node ...");
            BridgeConfig self = BridgeConfig.from(consumerNodeConfig());
            Vertx vertx = ClusterSetup.start(self.cluster()).await();
            try {
                measure(vertx, c);
            } finally {
                vertx.close().await();
            }
        }
    }

    private void measure(Vertx vertx, CReference.Result c) throws Exception {
        LatencyConsumer consumer = new LatencyConsumer(false);
        vertx.deployVerticle(consumer).await();
        LongAdder batches = new LongAdder();
        vertx.eventBus().consumer(Addresses.NODE_EVENT_BATCHES, m -> batches.increment()).completion().await();
        vertx.deployVerticle(new BridgeVerticle(BridgeConfig.from(consumerNodeConfig()))).await();
        awaitDeviceOnline(vertx);

        System.out.println("paced ...");
        control(vertx, new JsonObject().put("periodMs", 1000.0 / work.rateHz()));
        Thread.sleep(2_000);
        consumer.record(true);
        long gapsBefore = consumer.gaps();
        Thread.sleep(work.seconds() * 1000L - 2_000);
        consumer.record(false);
        control(vertx, new JsonObject().put("periodMs", 0));
        long pacedGaps = consumer.gaps() - gapsBefore;
        Histogram read = consumer.toRead();
        Histogram toConsumer = consumer.toConsumer();

        System.out.println("bursts ...");
        Thread.sleep(500); // the last timer events arrive
        long gaps = consumer.gaps();
        long lost = consumer.lost();
        long batchesBefore = batches.sum();
        double secondsTaken = consumer.consumeBursts(n -> control(vertx, new JsonObject().put("burst", n)), work.burst(),
                work.bursts());
        long total = (long) work.bursts() * work.burst();
        long burstGaps = consumer.gaps() - gaps;
        long burstLost = consumer.lost() - lost;
        long messages = batches.sum() - batchesBefore;

        System.out.println();
        System.out.printf(Locale.ROOT, "%-40s %10s %10s %10s %9s %6s%n", "latency from tsNs (us)", "p50", "p99",
                "p99.9", "samples", "gaps");
        System.out.printf(Locale.ROOT, "%-40s %10.1f %10.1f %10.1f %9d %6d%n", "C reference, read", c.p50Us(),
                c.p99Us(), c.p999Us(), c.samples(), c.gaps());
        row("device node, loop read", read, pacedGaps);
        row("other node, event-bus consumer", toConsumer, pacedGaps);
        System.out.println();
        System.out.printf(Locale.ROOT, "%-40s %12s%n", "lossless burst throughput", "events/s");
        System.out.printf(Locale.ROOT, "%-40s %12.0f%n", "C reference, reader", c.burstEventsPerS());
        String name = "other node, event-bus consumer";
        if (burstGaps != 0 || burstLost != 0) {
            name += " (LOST " + burstLost + ", gaps " + burstGaps + ")";
        }
        System.out.printf(Locale.ROOT, "%-40s %12.0f%n", name, total / secondsTaken);
        System.out.printf(Locale.ROOT, "%n%d events crossed in %d cluster messages (%.0f events a message)%n", total,
                messages, messages == 0 ? 0.0 : (double) total / messages);
        System.out.printf(Locale.ROOT, "%ngoals: at least 200000 events/s lossless across nodes (%s), "
                + "consumer p50 at most 2 ms (%s)%n",
                burstGaps == 0 && burstLost == 0 && total / secondsTaken >= 200_000 ? "met" : "NOT met",
                toConsumer.getValueAtPercentile(50) <= 2_000_000 ? "met" : "NOT met");
    }

    private static void row(String name, Histogram h, long gaps) {
        System.out.printf(Locale.ROOT, "%-40s %10.1f %10.1f %10.1f %9d %6d%n", name,
                h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0,
                h.getValueAtPercentile(99.9) / 1000.0, h.getTotalCount(), gaps);
    }

    private static void control(Vertx vertx, JsonObject request) {
        vertx.eventBus().request(Addresses.control(DEVICE), request).await();
    }

    /** Until this node's directory lists the device node's device as online and open. */
    private static void awaitDeviceOnline(Vertx vertx) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (true) {
            JsonArray devices = vertx.eventBus().<JsonArray>request(Addresses.DEVICES, null, Addresses.LOCAL_ONLY).await().body();
            for (Object o : devices) {
                JsonObject d = (JsonObject) o;
                if (DEVICE.equals(d.getString("id")) && d.getBoolean("online", false)
                        && d.getBoolean("open", false)) {
                    return;
                }
            }
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("the device node's device is not in the directory after 60 s: "
                        + devices.encode());
            }
            Thread.sleep(200);
        }
    }

    private JsonObject cluster() {
        return new JsonObject().put("enabled", true).put("name", clusterName);
    }

    private JsonObject consumerNodeConfig() {
        return new JsonObject().put("node", "bench-consumer").put("logEvents", false)
                .put("http", new JsonObject().put("port", 0)).put("devices", new JsonArray())
                .put("cluster", cluster());
    }

    private JsonObject deviceNodeConfig() {
        int queueLen = work.queueLen();
        return new JsonObject().put("node", "bench-device").put("logEvents", false).put("notify", notify)
                .put("http", new JsonObject().put("port", 0))
                .put("devices", new JsonArray().add(new JsonObject().put("id", DEVICE).put("type", "emulator")
                        .put("periodMs", 0).put("queueLen", queueLen)))
                .put("cluster", cluster());
    }
}
