// SPDX-License-Identifier: Apache-2.0
package io.mypoll.testkit.bench;

import static io.mypoll.testkit.bench.LatencyConsumer.us;

import io.mypoll.bridge.config.BridgeConfig;
import io.mypoll.bridge.device.DeviceVerticle;
import io.mypoll.driver.evdev.EvdevDevice;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Measures the path of an input frame on a real kernel, beside
 * {@link DeviceBenchmark}'s same path for the mypoll device: from the frame's
 * kernel timestamp (evdev's, on CLOCK_MONOTONIC) to the loop's read and to an
 * event-bus consumer verticle, in both notify modes. The frames come from a
 * virtual keyboard, {@code driver/tools/uinput_keyboard --stream}, in a
 * process of its own; so this runs where {@code /dev/uinput} is (the QEMU
 * guest).
 *
 * <pre>java -cp mypoll-testkit.jar io.mypoll.testkit.bench.InputBenchmark TOOL [RATE_HZ SECONDS WARM_UP_S MODES]</pre>
 *
 * <p>As in {@link DeviceBenchmark}, every mode runs once unmeasured first
 * ({@code WARM_UP_S} seconds, default 2). Prints one line per mode:
 * <pre>
 * java MODE input rate_hz=R frames=F samples=N overruns=O gaps=G loop_read_us p50=.. p99=.. consumer_us p50=.. p99=..
 * </pre>
 * {@code frames} is what the keyboard sent, {@code samples} the frames that
 * reached the consumer; {@code overruns} counts the times the kernel's buffer
 * for the reader overflowed ({@code SYN_DROPPED}), which loses frames
 * without a gap in the reader's seq.
 */
public final class InputBenchmark {
    private static final String NAME = "mypoll bench keyboard";
    /** Time for the new loop to settle before the frames start. */
    private static final long SETTLE_MS = 500;
    /** The consumer has every frame once none came for this long (an emulated CPU may lag by seconds). */

    private InputBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: InputBenchmark TOOL [RATE_HZ SECONDS WARM_UP_S MODES]");
            System.exit(2);
        }
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.SEVERE);
        String tool = args[0];
        int rateHz = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        int warmUpSeconds = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        List<String> modes = List.of((args.length > 4 ? args[4] : "sigio,poll").split(","));
        int status = 0;
        for (boolean measured : new boolean[] {false, true}) {
            for (String mode : modes) {
                try {
                    run(tool, mode, rateHz, measured ? seconds : warmUpSeconds, measured);
                } catch (Exception e) {
                    System.out.println("java " + mode + " input error " + e);
                    status = 1;
                }
            }
        }
        System.exit(status);
    }

    /** One pass of one mode, with a keyboard of its own; prints its figures when {@code measured}. */
    private static void run(String tool, String mode, int rateHz, int seconds, boolean measured) throws Exception {
        Process keyboard = new ProcessBuilder(tool, "--name", NAME, "--stream", String.valueOf(rateHz), "--seconds",
                String.valueOf(seconds)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(keyboard.getInputStream(),
                StandardCharsets.UTF_8));
        Vertx vertx = Vertx.vertx();
        try (Writer in = keyboard.outputWriter(StandardCharsets.UTF_8)) {
            String created = line(out, "created", tool);
            String path = "/dev/input/" + created.substring(created.indexOf("event=") + "event=".length());
            BridgeConfig config = BridgeConfig.from(new JsonObject().put("notify", mode).put("node", "bench"));
            LatencyConsumer consumer = new LatencyConsumer(false);
            vertx.deployVerticle(consumer).await();
            vertx.deployVerticle(DeviceVerticle.serving(config, List.of(EvdevDevice.open("keyboard", path, true))),
                    new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER)).await();
            Thread.sleep(SETTLE_MS);

            consumer.record(true);
            in.write("go\n");
            in.flush();
            String streamed = line(out, "streamed", tool);
            consumer.awaitQuiet();
            consumer.record(false);
            Histogram read = consumer.toRead();
            Histogram toConsumer = consumer.toConsumer();
            if (measured) {
                System.out.printf(Locale.ROOT, "java %s input rate_hz=%d frames=%s samples=%d overruns=%d gaps=%d "
                        + "loop_read_us p50=%.1f p99=%.1f consumer_us p50=%.1f p99=%.1f%n", mode, rateHz,
                        streamed.substring(streamed.indexOf('=') + 1), read.getTotalCount(), consumer.overruns(),
                        consumer.gaps(),
                        us(read, 50), us(read, 99), us(toConsumer, 50), us(toConsumer, 99));
                System.out.flush();
            }
        } finally {
            vertx.close().await();
            // The end of its stdin (closed above) destroys the keyboard.
            if (!keyboard.waitFor(10, TimeUnit.SECONDS)) {
                keyboard.destroyForcibly();
            }
        }
    }


    /** The tool's next line, which must start with {@code word}. */
    private static String line(BufferedReader out, String word, String tool) throws IOException {
        String line = out.readLine();
        if (line == null || !line.startsWith(word + " ")) {
            throw new IllegalStateException(tool + ": expected '" + word + " ...', got " + line);
        }
        return line;
    }
}
