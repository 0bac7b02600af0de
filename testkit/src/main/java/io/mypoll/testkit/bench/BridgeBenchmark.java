// SPDX-License-Identifier: Apache-2.0
package io.mypoll.testkit.bench;

import io.mypoll.bridge.config.BridgeConfig;
import io.mypoll.bridge.device.DeviceVerticle;
import io.mypoll.driver.Device;
import io.mypoll.driver.mypoll.EmulatedDevice;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Measures the bridge on the emulated device in both notify modes, and the C
 * reference (driver/tools/sigio_eventfd_epoll --emulate: SIGIO handler ->
 * eventfd -> epoll, over the same kind of socketpair producer) in the same
 * run, and prints them side by side.
 *
 * <pre>java -cp mypoll-testkit.jar io.mypoll.testkit.bench.BridgeBenchmark C_TOOL [RATE_HZ SECONDS BURST BURSTS]</pre>
 */
public final class BridgeBenchmark {
    private static final int WARM_UP_BURSTS = 3;
    private final Workload work;

    private BridgeBenchmark(String[] args) {
        work = Workload.parse(args);
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: BridgeBenchmark C_TOOL [RATE_HZ SECONDS BURST BURSTS]");
            System.exit(2);
        }
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
        new BridgeBenchmark(args).run();
        System.exit(0);
    }

    /** One row of the table. */
    private record Row(String name, double p50, double p99, double p999, long samples, long gaps) {
    }

    private void run() throws Exception {
        System.out.printf(Locale.ROOT, "%s%n", CReference.machine());
        System.out.println(work.describe());
        System.out.println();
        List<Row> rows = new ArrayList<>();
        Map<String, Double> throughput = new LinkedHashMap<>();
        Map<String, String> idle = new LinkedHashMap<>();
        Map<String, Map<String, ThreadCpu.Use>> burstCpu = new LinkedHashMap<>();

        System.out.println("running the C reference ...");
        CReference.Result c = CReference.run(work);
        Row cRow = new Row("C reference, read", c.p50Us(), c.p99Us(), c.p999Us(), c.samples(), c.gaps());
        rows.add(cRow);
        throughput.put("C reference, reader", c.burstEventsPerS());

        for (String mode : List.of("sigio", "poll")) {
            System.out.println("running the bridge, notify " + mode + " ...");
            runJava(mode, rows, throughput, idle, burstCpu);
        }

        System.out.println();
        System.out.printf(Locale.ROOT, "%-34s %10s %10s %10s %9s %6s%n", "latency from tsNs (us)", "p50", "p99",
                "p99.9", "samples", "gaps");
        for (Row r : rows) {
            System.out.printf(Locale.ROOT, "%-34s %10.1f %10.1f %10.1f %9d %6d%n", r.name, r.p50, r.p99, r.p999,
                    r.samples, r.gaps);
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "%-34s %12s%n", "lossless burst throughput", "events/s");
        double cRate = c.burstEventsPerS();
        throughput.forEach((k, v) -> System.out.printf(Locale.ROOT, "%-34s %12.0f %6.2fx of C%n", k, v, v / cRate));
        System.out.println("  (goals: batched consumer >= 1.5M events/s and >= 0.25x of C; event-bus consumer >= 1M)");
        System.out.println();
        System.out.println("p50 ratios to the C reference (goals: loop read <= 1.2x, consumer <= 2x):");
        for (Row r : rows.subList(1, rows.size())) {
            System.out.printf(Locale.ROOT, "  %-32s %5.2fx%n", r.name, r.p50 / cRow.p50);
        }
        System.out.println();
        System.out.println("idle loop thread (timer off), voluntary context switches:");
        idle.forEach((k, v) -> System.out.printf(Locale.ROOT, "  %-32s %s%n", k, v));
        System.out.println();
        printBurstCpu(burstCpu, (long) work.bursts() * work.burst());
    }

    /** Where the bursts' CPU time went, per 100k events: which side a notify mode costs more on. */
    private static void printBurstCpu(Map<String, Map<String, ThreadCpu.Use>> byMode, long events) {
        double per100k = 100_000.0 / events;
        System.out.printf(Locale.ROOT, "bursts, per 100k events: CPU ms (voluntary / involuntary switches)%n");
        System.out.printf(Locale.ROOT, "  %-20s", "");
        byMode.keySet().forEach(mode -> System.out.printf(Locale.ROOT, " %28s", "java " + mode));
        System.out.println();
        for (String job : ThreadCpu.JOBS) {
            System.out.printf(Locale.ROOT, "  %-20s", job);
            for (Map<String, ThreadCpu.Use> jobs : byMode.values()) {
                ThreadCpu.Use use = jobs.get(job);
                System.out.printf(Locale.ROOT, " %10.1f (%6.0f / %6.0f)", use.cpuNs() / 1e6 * per100k,
                        use.voluntary() * per100k, use.involuntary() * per100k);
            }
            System.out.println();
        }
    }

    private void runJava(String mode, List<Row> rows, Map<String, Double> throughput, Map<String, String> idle,
                         Map<String, Map<String, ThreadCpu.Use>> burstCpu) throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            BridgeConfig config = BridgeConfig.from(new JsonObject().put("notify", mode).put("node", "bench"));
            EmulatedDevice device = new EmulatedDevice("bench", 0, work.queueLen());
            LatencyConsumer perEvent = new LatencyConsumer(false);
            String perEventId = vertx.deployVerticle(perEvent).await();
            vertx.deployVerticle(DeviceVerticle.serving(config, List.of(device)),
                    new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER)).await();

            // (a) paced, into each consumer alone: two consumers woken per event would share the cores
            paced(device, perEvent);
            rows.add(row("java " + mode + ", loop read", perEvent.toRead(), perEvent.gaps()));
            rows.add(row("java " + mode + ", event-bus consumer", perEvent.toConsumer(), perEvent.gaps()));
            vertx.undeploy(perEventId).await();
            LatencyConsumer batched = new LatencyConsumer(true);
            String batchedId = vertx.deployVerticle(batched).await();
            paced(device, batched);
            rows.add(row("java " + mode + ", batched consumer", batched.toConsumer(), batched.gaps()));

            // idle: no events, the loop thread must not wake up
            Thread.sleep(500);
            int tid = loopTid();
            long before = ThreadCpu.of(Path.of("/proc/self/task", Integer.toString(tid))).voluntary();
            Thread.sleep(5_000);
            long after = ThreadCpu.of(Path.of("/proc/self/task", Integer.toString(tid))).voluntary();
            idle.put("java " + mode + " (5 s)", (after - before) + " (tid " + tid + ")");

            // (b) bursts, each consumed before the next: into the per-event consumer alone, then the batched alone
            vertx.undeploy(batchedId).await();
            LatencyConsumer perEventBursts = new LatencyConsumer(false);
            perEventId = vertx.deployVerticle(perEventBursts).await();
            burstInto(perEventBursts, device, "java " + mode + ", event-bus consumer", throughput, burstCpu, mode);
            vertx.undeploy(perEventId).await();
            LatencyConsumer batchedBursts = new LatencyConsumer(true);
            vertx.deployVerticle(batchedBursts).await();
            burstInto(batchedBursts, device, "java " + mode + ", batched consumer", throughput, burstCpu,
                    mode + " batched");
        } finally {
            vertx.close().await();
        }
    }

    /** The device's timer at the workload's rate: two seconds to settle, then the rest of the window measured. */
    private void paced(EmulatedDevice device, LatencyConsumer consumer) throws Exception {
        device.setPeriodUs(1_000_000 / work.rateHz());
        Thread.sleep(2_000);
        consumer.record(true);
        Thread.sleep(work.seconds() * 1000L - 2_000);
        consumer.record(false);
        device.setPeriodUs(0);
    }

    private void burstInto(LatencyConsumer consumer, EmulatedDevice device, String name,
                           Map<String, Double> throughput, Map<String, Map<String, ThreadCpu.Use>> burstCpu,
                           String cpuColumn) throws Exception {
        // Warm-up bursts, not counted: the first mode measured would otherwise pay for compiling the
        // burst path (the C2 compiler took as much CPU as the loop during sigio's bursts).
        consumer.consumeBursts(device::burst, work.burst(), WARM_UP_BURSTS);
        long gapsBefore = consumer.gaps();
        long lostBefore = consumer.lost();
        Map<String, ThreadCpu.Use> cpuBefore = ThreadCpu.byJob();
        double secondsTaken = consumer.consumeBursts(device::burst, work.burst(), work.bursts());
        burstCpu.put(cpuColumn, ThreadCpu.since(cpuBefore));
        long total = (long) work.bursts() * work.burst();
        long gaps = consumer.gaps() - gapsBefore;
        long lost = consumer.lost() - lostBefore;
        throughput.put(gaps != 0 || lost != 0 ? name + " (LOST " + lost + ", gaps " + gaps + ")" : name,
                total / secondsTaken);
    }

    private static Row row(String name, Histogram h, long gaps) {
        return new Row(name, h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0,
                h.getValueAtPercentile(99.9) / 1000.0, h.getTotalCount(), gaps);
    }

    private static int loopTid() throws IOException {
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                String name = Files.readString(task.resolve("comm")).trim();
                if (name.equals("device-loop")) {
                    return Integer.parseInt(task.getFileName().toString());
                }
            }
        }
        throw new IllegalStateException("no device-loop thread");
    }
}
