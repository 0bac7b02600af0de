package io.mypoll.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mypoll.driver.linux.LibC;
import io.mypoll.driver.linux.Signals;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
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
    void aPortAlreadyInUseStopsStartUpNamingTheKey(@TempDir Path dir) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            assertStopsWithOneLine(dir, "{\"http\": {\"port\": " + port + "}, \"devices\": [" + EMULATOR + "]}",
                    "http.port: 127.0.0.1:" + port + " is already in use");
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
}
