// SPDX-License-Identifier: Apache-2.0
package io.mypoll.testkit.bench;

import static io.mypoll.testkit.bench.LatencyConsumer.us;

import io.mypoll.bridge.config.BridgeConfig;
import io.mypoll.bridge.device.DeviceVerticle;
import io.mypoll.driver.Device;
import io.mypoll.driver.mypoll.MypollDevice;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * Measures the bridge on the real mypoll device in both notify modes: read
 * latency at a paced timer rate (the loop's {@code latencyUs} and the
 * event-bus consumer's) and lossless burst throughput ({@code MYPOLL_IOC_BURST}
 * into an event-bus consumer). The module must be loaded with the timer off
 * and a queue that holds one burst.
 *
 * <pre>java -cp mypoll-testkit.jar io.mypoll.testkit.bench.DeviceBenchmark PATH [RATE_HZ SECONDS BURST BURSTS WARM_UP_S MODES]</pre>
 *
 * <p>Before anything is counted, every mode runs once unmeasured: the same
 * bursts and {@code WARM_UP_S} seconds (default 2) of the paced timer. The JIT
 * has then compiled the read, decode and publish paths of both modes, so the
 * mode measured first is not the one that pays for it; under an emulated CPU
 * compiling takes seconds.
 *
 * Prints one line per measurement:
 * <pre>
 * java MODE paced rate_hz=R samples=N gaps=G loop_read_us p50=.. p99=.. consumer_us p50=.. p99=..
 * java MODE burst events=N lost=L gaps=G seconds=S events_per_s=E
 * </pre>
 */
public final class DeviceBenchmark {
    /** Time for a new loop and the first timer events to settle before recording. */
    private static final long SETTLE_MS = 500;

    private DeviceBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: DeviceBenchmark PATH [RATE_HZ SECONDS BURST BURSTS WARM_UP_S MODES]");
            System.exit(2);
        }
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
        String path = args[0];
        int rateHz = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        int burst = args.length > 3 ? Integer.parseInt(args[3]) : 8192;
        int bursts = args.length > 4 ? Integer.parseInt(args[4]) : 5;
        int warmUpSeconds = args.length > 5 ? Integer.parseInt(args[5]) : 2;
        List<String> modes = List.of((args.length > 6 ? args[6] : "sigio,poll").split(","));
        int status = 0;
        for (boolean measured : new boolean[] {false, true}) {
            for (String mode : modes) {
                try {
                    run(path, mode, rateHz, measured ? seconds : warmUpSeconds, burst, bursts, measured);
                } catch (Exception e) {
                    System.out.println("java " + mode + " error " + e);
                    status = 1;
                }
            }
        }
        System.exit(status);
    }

    /** One pass of one mode; prints its figures when {@code measured}. */
    private static void run(String path, String mode, int rateHz, int seconds, int burst, int bursts,
            boolean measured) throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            BridgeConfig config = BridgeConfig.from(new JsonObject().put("notify", mode).put("node", "bench"));
            MypollDevice device = MypollDevice.open("bench", path);
            int capacity = device.stats().capacity();
            if (burst > capacity) {
                burst = capacity;
            }
            LatencyConsumer consumer = new LatencyConsumer(false);
            vertx.deployVerticle(consumer).await();
            vertx.deployVerticle(DeviceVerticle.serving(config, List.of(device)),
                    new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER)).await();

            device.setPeriodUs(1_000_000 / rateHz);
            Thread.sleep(SETTLE_MS);
            consumer.record(true);
            long gapsBefore = consumer.gaps();
            Thread.sleep(seconds * 1000L);
            consumer.record(false);
            device.setPeriodUs(0);
            Histogram read = consumer.toRead();
            Histogram toConsumer = consumer.toConsumer();
            if (measured) {
                System.out.printf(Locale.ROOT, "java %s paced rate_hz=%d samples=%d gaps=%d loop_read_us p50=%.1f "
                        + "p99=%.1f consumer_us p50=%.1f p99=%.1f%n", mode, rateHz, read.getTotalCount(),
                        consumer.gaps() - gapsBefore, us(read, 50), us(read, 99), us(toConsumer, 50),
                        us(toConsumer, 99));
            }

            // Let the last timer events arrive, then count bursts from here.
            Thread.sleep(300);
            long gaps = consumer.gaps();
            long lost = consumer.lost();
            double secondsTaken = consumer.consumeBursts(device::burst, burst, bursts);
            long total = (long) bursts * burst;
            if (measured) {
                System.out.printf(Locale.ROOT, "java %s burst events=%d lost=%d gaps=%d seconds=%.3f "
                        + "events_per_s=%.0f%n", mode, total, consumer.lost() - lost, consumer.gaps() - gaps,
                        secondsTaken, total / secondsTaken);
            }
            System.out.flush();
        } finally {
            vertx.close().await();
        }
    }
}
