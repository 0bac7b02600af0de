// SPDX-License-Identifier: Apache-2.0
package io.mypoll.testkit.bench;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One run of the Node client ({@code testkit/ws-client/client.mjs}) against a
 * server, in a process of its own. While the client's measured window is
 * open (its "recording" and "stopped" lines), the server's CPU time is taken
 * from /proc at both ends, and its peak resident memory at the end.
 */
final class WsClient {
    /**
     * What one run measured.
     *
     * @param result the client's result line
     * @param serverCpuSeconds the server's CPU time during the measured window
     * @param serverPeakRssKb the server's peak resident memory (VmHWM) since it started, at the window's end
     */
    record Run(JsonObject result, double serverCpuSeconds, long serverPeakRssKb) {
    }

    private final Path clientDir;
    private final long ticksPerSecond = ProcessStats.clockTicksPerSecond();

    WsClient(Path clientDir) {
        this.clientDir = clientDir;
    }

    /**
     * Runs the client with {@code args} (after --url and --protocol) against {@code server}.
     *
     * @throws IllegalStateException naming what failed, with the client's and the server's output
     */
    Run run(WebServer server, List<String> args, long timeoutSeconds) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("node", clientDir.resolve("client.mjs").toString(), "--url",
                server.url(), "--protocol", server.protocol()));
        command.addAll(args);
        Path errors = Files.createTempFile("mypoll-ws-client", ".err");
        Process process = new ProcessBuilder(command).redirectError(errors.toFile()).start();
        // A client that hangs (a server that stopped sending) must not hang the benchmark.
        AtomicBoolean timedOut = new AtomicBoolean();
        Thread watchdog = new Thread(() -> {
            try {
                if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    timedOut.set(true);
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                // the run ended first
            }
        }, "ws-client-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        Map<Long, Long> cpuBefore = Map.of();
        double cpuSeconds = Double.NaN;
        long peakRssKb = -1;
        JsonObject result = null;
        List<String> output = new ArrayList<>();
        try (BufferedReader lines = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                output.add(line);
                JsonObject message;
                try {
                    message = new JsonObject(line);
                } catch (RuntimeException e) {
                    continue; // not one of its JSON lines: kept for the error message only
                }
                switch (message.getString("phase", "")) {
                    case "recording" -> cpuBefore = ProcessStats.cpuTicks(server.processes());
                    case "stopped" -> {
                        List<Long> pids = server.processes();
                        cpuSeconds = ProcessStats.cpuSecondsBetween(cpuBefore, ProcessStats.cpuTicks(pids),
                                ticksPerSecond);
                        peakRssKb = ProcessStats.peakResidentKb(pids);
                    }
                    case "result" -> result = message;
                    default -> {
                    }
                }
            }
            int status = process.waitFor();
            watchdog.interrupt();
            if (status != 0 || result == null) {
                String why = timedOut.get() ? "did not finish within " + timeoutSeconds + " s"
                        : "ended with status " + status;
                throw new IllegalStateException("the WebSocket client " + why + " (" + String.join(" ", command)
                        + "):\n" + Files.readString(errors).strip() + (output.isEmpty() ? ""
                                : "\nits output: " + String.join("\n", output)) + "\nthe server's output, last lines:\n"
                        + tail(server.log(), 20));
            }
        } finally {
            process.destroyForcibly();
            Files.deleteIfExists(errors);
        }
        return new Run(result, cpuSeconds, peakRssKb);
    }

    private static String tail(String text, int lines) {
        List<String> all = text.lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }
}
