// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mypoll.driver.linux.LibC;
import io.mypoll.driver.linux.Signals;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bridge as users start it: Main in a JVM of its own. */
class MainTest {
    private static final String EMULATOR = "{\"id\": \"emu\", \"type\": \"emulator\", \"periodMs\": 10}";

    private static String config(String extra) {
        return "{\"http\": {\"port\": 0}, \"devices\": [" + EMULATOR + "]" + extra + "}";
    }

    private static void assertStopsWithOneLine(Path dir, String config, String expected, String... args)
            throws Exception {
        try (BridgeProcess bridge = new BridgeProcess(dir, config, args)) {
            assertEquals(2, bridge.waitForExit(20_000), String.join("\n", bridge.lines));
            assertTrue(bridge.lines.contains("mypoll-bridge: " + expected),
                    "expected the line 'mypoll-bridge: " + expected + "' in:\n" + String.join("\n", bridge.lines));
            assertTrue(bridge.lines.stream().noneMatch(l -> l.startsWith("\tat ") || l.contains("Exception")),
                    "no stack trace:\n" + String.join("\n", bridge.lines));
        }
    }

    @Test
    void anUnknownNotifyModeStopsStartUpNamingTheKey(@TempDir Path dir) throws Exception {
        assertStopsWithOneLine(dir, config(", \"notify\": \"epoll\""),
                "notify: unknown notify mode 'epoll' (expected sigio or poll)");
    }

    @Test
    void aMypollDeviceWithoutPathStopsStartUpNamingTheKey(@TempDir Path dir) throws Exception {
        assertStopsWithOneLine(dir, "{\"http\": {\"port\": 0}, \"devices\": [{\"id\": \"m\", \"type\": \"mypoll\"}]}",
                "devices[0].path: a device of type mypoll needs the path of its node");
    }

    @Test
    void aQueueLengthOnAMypollDeviceStopsStartUpSayingWhy(@TempDir Path dir) throws Exception {
        assertStopsWithOneLine(dir, "{\"http\": {\"port\": 0}, \"devices\": [{\"id\": \"m\", \"type\": \"mypoll\", "
                        + "\"path\": \"/dev/mypoll\", \"queueLen\": 64}]}",
                "devices[0].queueLen: not a key of type mypoll: the kernel device's queue is set by the module's "
                        + "queue_len parameter, not by the bridge");
    }

    @Test
    void aPortAlreadyInUseStopsStartUpNamingTheKey(@TempDir Path dir) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            assertStopsWithOneLine(dir, "{\"http\": {\"port\": " + port + "}, \"devices\": [" + EMULATOR + "]}",
                    "http.port: 127.0.0.1:" + port + " is already in use");
        }
    }

    @Test
    void aSecondBridgeOnTheSamePortStopsWithThatOneLineBeforeOpeningAnything(@TempDir Path first,
                                                                            @TempDir Path second) throws Exception {
        try (BridgeProcess running = new BridgeProcess(first, config(""))) {
            int port = port(running);
            try (BridgeProcess again = new BridgeProcess(second, "{\"http\": {\"port\": " + port + "}, "
                    + "\"devices\": [" + EMULATOR + "]}")) {
                assertStopsWithOnlyLine(again, "http.port: 127.0.0.1:" + port + " is already in use");
            }
        }
    }

    /** Exit status 2 and one line of output, which starts with {@code start}: nothing was opened before it. */
    private static void assertStopsWithOnlyLine(BridgeProcess bridge, String start) throws InterruptedException {
        assertEquals(2, bridge.waitForExit(20_000), String.join("\n", bridge.lines));
        assertEquals(1, bridge.lines.size(), "one line:\n" + String.join("\n", bridge.lines));
        assertTrue(bridge.lines.get(0).startsWith("mypoll-bridge: " + start), bridge.lines.get(0));
    }

    @Test
    void aMisspeltSystemPropertyStopsStartUpNamingIt(@TempDir Path dir) throws Exception {
        try (BridgeProcess bridge = new BridgeProcess(dir, config(""), List.of("-Dmypoll.http.prot=1"), Map.of())) {
            assertStopsWithOnlyLine(bridge, "mypoll.http.prot: unknown key (known here: allowedHosts, ");
        }
    }

    @Test
    void anUnknownSystemPropertyStopsStartUpNamingIt(@TempDir Path dir) throws Exception {
        try (BridgeProcess bridge = new BridgeProcess(dir, config(""), List.of("-Dmypoll.bogus=1"), Map.of())) {
            assertStopsWithOnlyLine(bridge, "mypoll.bogus: unknown key (known here: bridge, cluster, ");
        }
    }

    @Test
    void anUnknownEnvironmentVariableStopsStartUpNamingIt(@TempDir Path dir) throws Exception {
        try (BridgeProcess bridge = new BridgeProcess(dir, config(""), List.of(), Map.of("MYPOLL_BOGUS", "1"))) {
            assertStopsWithOnlyLine(bridge, "MYPOLL_BOGUS: unknown key (known here: MYPOLL_BRIDGE_*, ");
        }
    }

    @Test
    void theScriptsOwnVariablesAndKnownOverridesStartTheBridge(@TempDir Path dir) throws Exception {
        try (BridgeProcess bridge = new BridgeProcess(dir, config(""), List.of("-Dmypoll.statusIntervalMs=500"),
                Map.of("MYPOLL_CACHE", dir.toString(), "MYPOLL_BROWSER", "0", "MYPOLL_LOG_EVENTS", "false"))) {
            port(bridge);
        }
    }

    @Test
    void withClusterAMissingHazelcastFileStopsStartUpNamingTheKey(@TempDir Path dir) throws Exception {
        assertStopsWithOneLine(dir, config(", \"cluster\": {\"configFile\": \"/nonexistent/cluster.xml\"}"),
                "cluster.configFile: cannot read /nonexistent/cluster.xml: no such file", "--cluster");
    }

    @Test
    void aMissingDeviceNodeStopsStartUpNamingTheDevice(@TempDir Path dir) throws Exception {
        assertStopsWithOneLine(dir,
                "{\"http\": {\"port\": 0}, \"devices\": [{\"id\": \"m\", \"type\": \"mypoll\", \"path\": \"/dev/nosuch\"}]}",
                "devices.m: cannot open mypoll device /dev/nosuch: open(/dev/nosuch): No such file or directory (errno 2)");
    }

    @Test
    void strayIoAndRealTimeSignalsDoNotKillTheBridge(@TempDir Path dir) throws Exception {
        String rt = "SIGRTMIN+4";
        try (BridgeProcess bridge = new BridgeProcess(dir, config(", \"signal\": \"" + rt + "\""))) {
            bridge.await(l -> l.contains("events in the last second: emu="), 20_000);
            int pid = (int) bridge.process.pid();
            assertEquals(0, LibC.kill(pid, LibC.SIGIO));
            assertEquals(0, LibC.kill(pid, Signals.parse(rt)));
            assertEquals(0, LibC.kill(pid, LibC.SIGIO));
            bridge.await(l -> l.contains("events in the last second: emu="), 5_000);
            bridge.await(l -> l.contains("events in the last second: emu="), 5_000);
            assertTrue(bridge.process.isAlive(), "the bridge still runs");
        }
    }

    @Test
    void aStraySigioDoesNotKillABridgeInPollMode(@TempDir Path dir) throws Exception {
        try (BridgeProcess bridge = new BridgeProcess(dir, config(", \"notify\": \"poll\""))) {
            bridge.await(l -> l.contains("events in the last second: emu="), 20_000);
            assertEquals(0, LibC.kill((int) bridge.process.pid(), LibC.SIGIO));
            bridge.await(l -> l.contains("events in the last second: emu="), 5_000);
            bridge.await(l -> l.contains("events in the last second: emu="), 5_000);
            assertTrue(bridge.process.isAlive(), "the bridge still runs");
        }
    }

    @Test
    void anUnknownKeyStopsStartUpNamingIt(@TempDir Path dir) throws Exception {
        assertStopsWithOneLine(dir, config(", \"htpp\": {\"port\": 9090}"), "htpp: unknown key (known here: "
                + "bridge, cluster, devices, health, history, http, logEvents, metrics, mqtt, node, notify, signal, "
                + "statusIntervalMs, tcp)");
    }

    @Test
    void aNonLoopbackAddressWithoutTlsAndAuthenticationStopsStartUp(@TempDir Path dir) throws Exception {
        assertStopsWithOneLine(dir, "{\"http\": {\"host\": \"0.0.0.0\", \"port\": 0}, \"devices\": [" + EMULATOR
                + "]}", "http.host: 0.0.0.0 is not a loopback address: serving it needs http.tls.certFile, "
                + "http.tls.keyFile and http.auth.tokenFile, or http.insecure: true");
    }

    @Test
    void anInsecureNonLoopbackAddressStartsWithAWarning(@TempDir Path dir) throws Exception {
        try (BridgeProcess bridge = new BridgeProcess(dir, "{\"http\": {\"host\": \"0.0.0.0\", \"port\": 0, "
                + "\"insecure\": true}, \"devices\": [" + EMULATOR + "]}")) {
            bridge.await(l -> l.contains("WARNING") && l.contains("http.insecure: 0.0.0.0 is reachable from other "
                    + "machines without TLS"), 20_000);
        }
    }

    @Test
    void aPayloadThatForgesALogLineIsLoggedAsOneEscapedLine(@TempDir Path dir) throws Exception {
        try (BridgeProcess bridge = new BridgeProcess(dir, config(""))) {
            int port = port(bridge);
            String payload = "x\n2026-01-01 INFO FORGED\u001b[31m\u0007\r";
            java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port
                            + "/api/devices/emu/trigger")).header("Content-Type", "text/plain")
                            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(payload)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            String line = bridge.await(l -> l.contains("emu=") && l.contains("[last manual: "), 10_000);
            assertTrue(line.contains("payload \"x\\x0a2026-01-01 INFO FORGED\\x1b[31m\\x07\\x0d\""), line);
            // The next summary marks the end of that one's output: a forged line would have come before it.
            bridge.await(l -> l.contains("events in the last second"), 10_000);
            assertTrue(bridge.lines.stream().noneMatch(l -> l.startsWith("2026-01-01 INFO FORGED")),
                    "no forged line:\n" + String.join("\n", bridge.lines));
        }
    }

    @Test
    void aBridgeUnderLoadStopsCleanlyWithinSecondsOfSigterm(@TempDir Path dir) throws Exception {
        String fast = "{\"id\": \"emu\", \"type\": \"emulator\", \"periodMs\": 0.5}";
        try (BridgeProcess bridge = new BridgeProcess(dir, "{\"http\": {\"port\": 0}, \"logEvents\": false, "
                + "\"devices\": [" + fast + "]}")) {
            int port = port(bridge);
            io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
            try {
                java.util.List<io.mypoll.bridge.web.WebFixture.EventBusSocket> sockets = new java.util.ArrayList<>();
                java.util.concurrent.atomic.AtomicLong received = new java.util.concurrent.atomic.AtomicLong();
                for (int i = 0; i < 15; i++) {
                    var socket = io.mypoll.bridge.web.WebFixture.EventBusSocket.connect(vertx, port).await();
                    socket.ws.handler(data -> received.incrementAndGet());
                    socket.register(io.mypoll.bridge.contract.Addresses.EVENTS);
                    sockets.add(socket);
                }
                // Under load: a second's worth of events (2,000) at each subscriber, on average.
                org.awaitility.Awaitility.await("events at the 15 subscribers").atMost(java.time.Duration.ofSeconds(30))
                        .until(received::get, n -> n >= 15 * 2_000);
                long start = System.nanoTime();
                bridge.process.destroy();
                int status = bridge.waitForExit(20_000);
                long ms = (System.nanoTime() - start) / 1_000_000;
                assertEquals(143, status, "Vert.x closed, the hook did not halt the process");
                // A close that hangs ends in the hook's halt after 10 s; a loaded 2-core machine
                // may take a few seconds to run a JVM's shutdown, so the bound is 5 s.
                assertTrue(ms < 5_000, "stopped " + ms + " ms after SIGTERM with 15 subscribers at 2 kHz");
            } finally {
                vertx.close().await();
            }
        }
    }

    @Test
    void anUnknownDeviceTypeStopsStartUpNamingTheKey(@TempDir Path dir) throws Exception {
        assertStopsWithOneLine(dir, "{\"http\": {\"port\": 0}, \"devices\": [{\"id\": \"j\", "
                + "\"type\": \"joystick\"}]}",
                "devices[0].type: unknown type 'joystick' (expected auto, mypoll, emulator, evdev, rtc or gpio)");
    }

    @Test
    void anInputDeviceThatIsNotOneStopsStartUpNamingIt(@TempDir Path dir) throws Exception {
        assertStopsWithOneLine(dir, "{\"http\": {\"port\": 0}, \"devices\": [{\"id\": \"k\", \"type\": \"evdev\", "
                + "\"path\": \"/dev/null\"}]}", "devices.k: cannot open evdev device /dev/null: /dev/null is not an "
                + "input device");
    }

    @Test
    void aClockThatIsNotOneStopsStartUpNamingIt(@TempDir Path dir) throws Exception {
        assertStopsWithOneLine(dir, "{\"http\": {\"port\": 0}, \"devices\": [{\"id\": \"c\", \"type\": \"rtc\", "
                + "\"path\": \"/dev/null\"}]}", "devices.c: cannot open rtc device /dev/null: /dev/null is not a "
                + "real-time clock");
    }

    @Test
    void aGpioOutputWithEdgesStopsStartUpNamingTheKey(@TempDir Path dir) throws Exception {
        assertStopsWithOneLine(dir, "{\"http\": {\"port\": 0}, \"devices\": [{\"id\": \"p\", \"type\": \"gpio\", "
                + "\"chip\": \"/dev/gpiochip0\", \"lines\": [{\"line\": 4, \"direction\": \"output\", "
                + "\"edges\": \"rising\"}]}]}", "devices[0].lines[0].edges: an output line has no edges (only inputs "
                + "make events)");
    }

    @Test
    void aDebounceOnAGpioOutputStopsStartUpNamingTheKey(@TempDir Path dir) throws Exception {
        assertStopsWithOneLine(dir, "{\"http\": {\"port\": 0}, \"devices\": [{\"id\": \"p\", \"type\": \"gpio\", "
                + "\"chip\": \"/dev/gpiochip0\", \"lines\": [{\"line\": 4, \"direction\": \"output\", "
                + "\"debounceMs\": 10}]}]}", "devices[0].lines[0].debounceMs: an output line has no debounce period");
    }

    @Test
    void aGpioChipThatIsNotOneStopsStartUpNamingIt(@TempDir Path dir) throws Exception {
        assertStopsWithOneLine(dir, "{\"http\": {\"port\": 0}, \"devices\": [{\"id\": \"p\", \"type\": \"gpio\", "
                + "\"chip\": \"/dev/null\", \"lines\": [0]}]}", "devices.p: cannot open gpio device /dev/null: "
                + "/dev/null is not a GPIO chip");
    }

    @Test
    void anInputDeviceNameThatNothingHasStopsStartUp(@TempDir Path dir) throws Exception {
        assertStopsWithOneLine(dir, "{\"http\": {\"port\": 0}, \"devices\": [{\"id\": \"k\", \"type\": \"evdev\", "
                + "\"name\": \"No Such Scanner\"}]}", "devices.k: cannot open evdev device named 'No Such Scanner': "
                + "no input device in /dev/input has that name");
    }

    /** The HTTP port the bridge logged it serves. */
    @Test
    void aBridgeWithMetricsServingClientsLogsNoWarning(@TempDir Path dir) throws Exception {
        try (BridgeProcess bridge = new BridgeProcess(dir, "{\"http\": {\"port\": 0}, \"devices\": [" + EMULATOR
                + "]}")) {
            int port = port(bridge);
            java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
            for (String path : List.of("/health", "/metrics", "/api/devices", "/metrics")) {
                var response = client.send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + port + path)).build(),
                        java.net.http.HttpResponse.BodyHandlers.discarding());
                assertEquals(200, response.statusCode(), path);
            }
            bridge.process.destroy();
            assertEquals(143, bridge.waitForExit(10_000), "SIGTERM's status");
            assertEquals(List.of(), bridge.lines.stream().filter(l -> l.contains("WARNING")).toList());
        }
    }

    static int port(BridgeProcess bridge) throws InterruptedException {
        String line = bridge.await(l -> l.contains("serving http"), 20_000);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(":(\\d+)/").matcher(line);
        assertTrue(m.find(), line);
        return Integer.parseInt(m.group(1));
    }
}
