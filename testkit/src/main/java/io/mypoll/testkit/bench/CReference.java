// SPDX-License-Identifier: Apache-2.0
package io.mypoll.testkit.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The C reference, {@code driver/tools/sigio_eventfd_epoll --bench --emulate}
 * (SIGIO handler -> eventfd -> epoll over a socketpair producer), run with the
 * benchmark's own settings, and the machine it ran on.
 */
final class CReference {
    /** Paced latency from tsNs to read, and the lossless burst rate of the reader. */
    record Result(double p50Us, double p99Us, double p999Us, long samples, long gaps, double burstEventsPerS) {
    }

    private static final Pattern PACED = Pattern.compile("paced rate_hz=\\d+ events=(\\d+) gaps=(\\d+) latency_us "
            + "p50=([\\d.]+) p99=([\\d.]+) p999=([\\d.]+)");
    private static final Pattern BURST = Pattern.compile("burst events=(\\d+) lost=(\\d+) seconds=[\\d.]+ "
            + "events_per_s=(\\d+)");

    private CReference() {
    }

    static Result run(Workload work) throws IOException, InterruptedException {
        return run(work.cTool(), work.rateHz(), work.seconds(), work.burst(), work.bursts());
    }

    static Result run(String tool, int rateHz, int seconds, int burst, int bursts)
            throws IOException, InterruptedException {
        Process p = new ProcessBuilder(tool, "--bench", "--emulate", "--rate", String.valueOf(rateHz), "--seconds",
                String.valueOf(seconds), "--burst", String.valueOf(burst), "--bursts", String.valueOf(bursts))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(tool + " failed:\n" + out);
        }
        Matcher paced = PACED.matcher(out);
        Matcher burstLine = BURST.matcher(out);
        if (!paced.find() || !burstLine.find()) {
            throw new IllegalStateException("unexpected output of " + tool + ":\n" + out);
        }
        return new Result(Double.parseDouble(paced.group(3)), Double.parseDouble(paced.group(4)),
                Double.parseDouble(paced.group(5)), Long.parseLong(paced.group(1)), Long.parseLong(paced.group(2)),
                Double.parseDouble(burstLine.group(3)));
    }

    static String machine() {
        String cpu = "unknown CPU";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    cpu = line.substring(line.indexOf(':') + 1).trim();
                    break;
                }
            }
        } catch (IOException e) {
            // keep "unknown CPU"
        }
        return String.format(Locale.ROOT, "machine: %s, %d cores, Linux %s, Java %s", cpu,
                Runtime.getRuntime().availableProcessors(), System.getProperty("os.version"),
                System.getProperty("java.version"));
    }
}
