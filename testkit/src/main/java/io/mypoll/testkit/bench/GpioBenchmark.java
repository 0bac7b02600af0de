// SPDX-License-Identifier: Apache-2.0
package io.mypoll.testkit.bench;

import static io.mypoll.testkit.bench.LatencyConsumer.us;

import io.mypoll.bridge.config.BridgeConfig;
import io.mypoll.bridge.device.DeviceVerticle;
import io.mypoll.driver.gpio.GpioDevice;
import io.mypoll.driver.gpio.GpioLine;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * Measures the path of a GPIO edge on a real kernel, beside
 * {@link DeviceBenchmark}'s for the mypoll device and {@link InputBenchmark}'s
 * for an input frame: from gpiolib's kernel timestamp of the edge
 * (CLOCK_MONOTONIC) to the loop's read and to an event-bus consumer verticle,
 * in both notify modes (in sigio mode the line is polled: its fd raises no
 * signal). The edges come from the project's simulated GPIO chip
 * ({@code mypoll_gpio_sim}, driver/README.md), driven through its
 * {@code pull} attribute at a steady rate by a thread of this process; so
 * this runs where that module is loaded (the QEMU guest), as root.
 *
 * <pre>java -cp mypoll-testkit.jar io.mypoll.testkit.bench.GpioBenchmark [RATE_HZ SECONDS WARM_UP_S MODES]</pre>
 *
 * <p>Every mode runs once unmeasured first ({@code WARM_UP_S} seconds,
 * default 2). Prints one line per mode:
 * <pre>
 * java MODE gpio rate_hz=R edges=E samples=N lost=L gaps=G loop_read_us p50=.. p99=.. consumer_us p50=.. p99=..
 * </pre>
 * {@code edges} is what was driven, {@code samples} the edges that reached
 * the consumer, {@code lost} the edges the kernel said it dropped.
 */
public final class GpioBenchmark {
    /** The simulator's control: "OFFSET LEVEL" sets a line's level, firing its edge. */
    private static final Path PULL = Path.of("/sys/kernel/mypoll_gpio_sim/pull");
    private static final String CHIP = "mypoll-gpio-sim";
    private static final int LINE = 0;
    private static final long SETTLE_MS = 500;

    private GpioBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.SEVERE);
        int rateHz = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int warmUpSeconds = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        List<String> modes = List.of((args.length > 3 ? args[3] : "sigio,poll").split(","));
        int status = 0;
        for (boolean measured : new boolean[] {false, true}) {
            for (String mode : modes) {
                try {
                    run(mode, rateHz, measured ? seconds : warmUpSeconds, measured);
                } catch (Exception e) {
                    System.out.println("java " + mode + " gpio error " + e);
                    status = 1;
                }
            }
        }
        System.exit(status);
    }

    private static void run(String mode, int rateHz, int seconds, boolean measured) throws Exception {
        Vertx vertx = Vertx.vertx();
        try (FileChannel pull = FileChannel.open(PULL, StandardOpenOption.WRITE)) {
            BridgeConfig config = BridgeConfig.from(new JsonObject().put("notify", mode).put("node", "bench"));
            LatencyConsumer consumer = new LatencyConsumer(false);
            vertx.deployVerticle(consumer).await();
            GpioDevice device = GpioDevice.open("gpio", CHIP, List.of(new GpioLine(null, LINE,
                    GpioLine.Direction.INPUT, GpioLine.Edges.BOTH, GpioLine.Bias.AS_IS, false, 0, false)),
                    1024, "mypoll-bench");
            vertx.deployVerticle(DeviceVerticle.serving(config, List.of(device)),
                    new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER)).await();
            Thread.sleep(SETTLE_MS);

            consumer.record(true);
            long edges = drive(pull, rateHz, seconds);
            consumer.awaitQuiet();
            consumer.record(false);
            Histogram read = consumer.toRead();
            Histogram toConsumer = consumer.toConsumer();
            if (measured) {
                System.out.printf(Locale.ROOT, "java %s gpio rate_hz=%d edges=%d samples=%d lost=%d gaps=%d "
                        + "loop_read_us p50=%.1f p99=%.1f consumer_us p50=%.1f p99=%.1f%n", mode, rateHz, edges,
                        read.getTotalCount(), consumer.lost(), consumer.gaps(),
                        us(read, 50), us(read, 99), us(toConsumer, 50), us(toConsumer, 99));
                System.out.flush();
            }
        } finally {
            vertx.close().await();
        }
    }

    /** Toggles the line {@code rateHz} times a second for {@code seconds}; the edges driven. */
    private static long drive(FileChannel pull, int rateHz, int seconds) throws Exception {
        long periodNs = 1_000_000_000L / rateHz;
        long total = (long) rateHz * seconds;
        long start = System.nanoTime();
        for (long i = 0; i < total; i++) {
            long due = start + i * periodNs;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            byte[] text = (LINE + " " + ((i & 1) == 0 ? 1 : 0) + "\n").getBytes(StandardCharsets.US_ASCII);
            // A write at offset 0 each time: each is one store of the attribute.
            pull.write(ByteBuffer.wrap(text), 0);
        }
        // The line ends low, as it started, for the next pass.
        if ((total & 1) == 1) {
            pull.write(ByteBuffer.wrap((LINE + " 0\n").getBytes(StandardCharsets.US_ASCII)), 0);
            total++;
        }
        return total;
    }

}
