// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mypoll.driver.NotifyMode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class BridgeConfigTest {

    private static JsonObject device(String id, String type) {
        return new JsonObject().put("id", id).put("type", type);
    }

    private static String problem(JsonObject json) {
        return assertThrows(ConfigException.class, () -> BridgeConfig.from(json)).getMessage();
    }

    @Test
    void defaultsAreLoopbackSigioAndOneAutoDevice() throws Exception {
        JsonObject defaults;
        try (var in = getClass().getResourceAsStream("/conf/config.json")) {
            defaults = new JsonObject(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        }
        BridgeConfig config = BridgeConfig.from(defaults);
        assertEquals("127.0.0.1", config.http().host());
        assertEquals(NotifyMode.SIGIO, config.notifyMode());
        assertEquals(1, config.devices().size());
        assertEquals("auto", config.devices().get(0).type());
        assertEquals("/dev/mypoll", config.devices().get(0).path());
    }

    @Test
    void clusteringIsOffAndOnLoopbackByDefault() throws Exception {
        JsonObject defaults;
        try (var in = getClass().getResourceAsStream("/conf/config.json")) {
            defaults = new JsonObject(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        }
        ClusterOptions cluster = BridgeConfig.from(defaults).cluster();
        assertEquals(new ClusterOptions(false, "mypoll", null, "127.0.0.1", 0, null, List.of(), List.of(),
                20, null), cluster);
    }

    @Test
    void clusterMembersAreAListOrOneCommaSeparatedString() {
        List<String> expected = List.of("10.0.0.1", "10.0.0.2:5701");
        assertEquals(expected, BridgeConfig.from(new JsonObject().put("cluster", new JsonObject()
                .put("members", new JsonArray().add("10.0.0.1").add("10.0.0.2:5701")))).cluster().members());
        assertEquals(expected, BridgeConfig.from(new JsonObject().put("cluster", new JsonObject()
                .put("members", " 10.0.0.1, 10.0.0.2:5701,"))).cluster().members());
    }

    @Test
    void theTcpBridgeIsOffAndOnLoopbackByDefault() {
        assertEquals(new TcpOptions(false, "127.0.0.1", 7000, 60, 100, false),
                BridgeConfig.from(BridgeConfig.defaults()).tcp());
    }

    @Test
    void aTcpBridgeBeyondLoopbackNeedsTlsAndTheTokenOrInsecure() {
        JsonObject exposed = new JsonObject().put("tcp", new JsonObject().put("enabled", true).put("host", "0.0.0.0"));
        assertEquals("tcp.host: 0.0.0.0 is not a loopback address: serving it needs http.tls.certFile, "
                + "http.tls.keyFile and http.auth.tokenFile, or tcp.insecure: true", problem(exposed));
        assertEquals("tcp.host: 0.0.0.0 is not a loopback address: serving it needs http.tls.certFile, "
                + "http.tls.keyFile and http.auth.tokenFile, or tcp.insecure: true",
                problem(exposed.copy().put("http", new JsonObject().put("insecure", true))),
                "the HTTP server's insecure is its own");
        JsonObject insecure = exposed.copy();
        insecure.getJsonObject("tcp").put("insecure", true);
        assertEquals("0.0.0.0", BridgeConfig.from(insecure).tcp().host());
        JsonObject secured = exposed.copy().put("http", new JsonObject()
                .put("tls", new JsonObject().put("certFile", "c.pem").put("keyFile", "k.pem"))
                .put("auth", new JsonObject().put("tokenFile", "token")));
        assertEquals("0.0.0.0", BridgeConfig.from(secured).tcp().host());
        assertEquals("0.0.0.0", BridgeConfig.from(new JsonObject().put("tcp", new JsonObject()
                .put("host", "0.0.0.0"))).tcp().host(), "checked only when enabled");
    }

    @Test
    void metricsAreOnAndAThousandEventsAreKeptByDefault() {
        BridgeConfig config = BridgeConfig.from(new JsonObject());
        assertTrue(config.metrics().enabled());
        assertEquals(1000, config.historyEvents());
    }

    @Test
    void aBadMetricsOrHistorySettingNamesTheKey() {
        assertEquals("metrics.enabled: must be true or false, not 1",
                problem(new JsonObject().put("metrics", new JsonObject().put("enabled", 1))));
        assertEquals("history.events: must be from 0 to 100000, not -1",
                problem(new JsonObject().put("history", new JsonObject().put("events", -1))));
        assertTrue(problem(new JsonObject().put("history", new JsonObject().put("seconds", 60)))
                .startsWith("history.seconds: unknown key"));
    }

    @Test
    void aBadClusterSettingNamesTheKey() {
        assertEquals("cluster.enabled: must be true or false, not yes",
                problem(new JsonObject().put("cluster", new JsonObject().put("enabled", "yes"))));
        assertTrue(problem(new JsonObject().put("cluster", new JsonObject().put("members", 5)))
                .startsWith("cluster.members: must be a list of addresses"));
        assertEquals("cluster.failureTimeoutSeconds: must be from 2 to 600, not 1",
                problem(new JsonObject().put("cluster", new JsonObject().put("failureTimeoutSeconds", 1))));
        assertEquals("cluster.port: must be from 0 to 65535, not 70000",
                problem(new JsonObject().put("cluster", new JsonObject().put("port", 70000))));
    }

    @Test
    void anUnknownNotifyModeNamesTheKey() {
        String message = problem(new JsonObject().put("notify", "epoll"));
        assertEquals("notify: unknown notify mode 'epoll' (expected sigio or poll)", message);
    }

    @Test
    void aMypollDeviceWithoutPathNamesTheKey() {
        String message = problem(new JsonObject().put("devices", new JsonArray().add(device("d", "mypoll"))));
        assertEquals("devices[0].path: a device of type mypoll needs the path of its node", message);
    }

    @Test
    void anUnknownDeviceTypeNamesTheKey() {
        String message = problem(new JsonObject().put("devices", new JsonArray().add(device("d", "usb"))));
        assertTrue(message.startsWith("devices[0].type: unknown type 'usb'"), message);
    }

    @Test
    void aDeviceIdUsedTwiceIsRefused() {
        String message = problem(new JsonObject().put("devices", new JsonArray()
                .add(device("d", "emulator")).add(device("d", "emulator"))));
        assertEquals("devices[1].id: 'd' is used twice", message);
    }

    @Test
    void aDeviceIdThatCannotBeAnAddressIsRefused() {
        String message = problem(new JsonObject().put("devices", new JsonArray().add(device("a.b", "emulator"))));
        assertTrue(message.startsWith("devices[0].id:"), message);
    }

    @Test
    void aQueueLengthThatIsNotAPowerOfTwoIsRefused() {
        String message = problem(new JsonObject().put("devices", new JsonArray()
                .add(device("d", "emulator").put("queueLen", 1000))));
        assertEquals("devices[0].queueLen: must be a power of two, not 1000", message);
    }

    @Test
    void aPortOutOfRangeIsRefused() {
        String message = problem(new JsonObject().put("http", new JsonObject().put("port", 70000)));
        assertEquals("http.port: must be from 0 to 65535, not 70000", message);
    }

    @Test
    void anUnknownSignalIsRefused() {
        assertTrue(problem(new JsonObject().put("signal", "SIGUSR1")).startsWith("signal:"));
    }

    @Test
    void aNegativePeriodIsRefused() {
        String message = problem(new JsonObject().put("devices", new JsonArray()
                .add(device("d", "emulator").put("periodMs", -1))));
        assertTrue(message.startsWith("devices[0].periodMs: must be from 0 (off)"), message);
    }

    private static String deviceProblem(String device) {
        return problem(new JsonObject().put("devices", new io.vertx.core.json.JsonArray().add(new JsonObject(device))));
    }

    @Test
    void anInputDeviceNeedsItsPathOrItsNameButNotBoth() {
        String expected = "devices[0].path: a device of type evdev needs its path or its name (one of them)";
        assertEquals(expected, deviceProblem("{\"id\": \"k\", \"type\": \"evdev\"}"));
        assertEquals(expected, deviceProblem("{\"id\": \"k\", \"type\": \"evdev\", \"path\": \"/dev/input/event0\", "
                + "\"name\": \"My Scanner\"}"));
        EvdevSettings byName = (EvdevSettings) BridgeConfig.from(new JsonObject().put("devices",
                new io.vertx.core.json.JsonArray().add(new JsonObject("{\"id\": \"k\", \"type\": \"evdev\", "
                        + "\"name\": \"My Scanner\", \"grab\": true}")))).devices().get(0);
        assertEquals("My Scanner", byName.name());
        assertTrue(byName.grab());
    }

    @Test
    void aPeriodicClockNeedsARateThatIsAPowerOfTwo() {
        assertEquals("devices[0].hz: a device in periodic mode needs hz, a power of two from 2 to 8192",
                deviceProblem("{\"id\": \"c\", \"type\": \"rtc\", \"path\": \"/dev/rtc0\", \"mode\": \"periodic\"}"));
        assertEquals("devices[0].hz: must be a power of two from 2 to 8192, not 100",
                deviceProblem("{\"id\": \"c\", \"type\": \"rtc\", \"path\": \"/dev/rtc0\", \"mode\": \"periodic\", "
                        + "\"hz\": 100}"));
        assertEquals("devices[0].mode: must be update or periodic, not alarm",
                deviceProblem("{\"id\": \"c\", \"type\": \"rtc\", \"path\": \"/dev/rtc0\", \"mode\": \"alarm\"}"));
    }

    @Test
    void aKeyOfAnotherDeviceTypeIsNamed() {
        assertEquals("devices[0].periodMs: unknown key for type evdev (known here: grab, id, name, path, type, waitForDevice)",
                deviceProblem("{\"id\": \"k\", \"type\": \"evdev\", \"path\": \"/dev/input/event0\", \"periodMs\": 5}"));
        assertEquals("devices[0].type: unknown type 'joystick' (expected auto, mypoll, emulator, evdev, rtc or gpio)",
                deviceProblem("{\"id\": \"j\", \"type\": \"joystick\"}"));
    }

    @Test
    void aQueueLengthOnAMypollDeviceIsRefusedSayingWhy() {
        assertEquals("devices[0].queueLen: not a key of type mypoll: the kernel device's queue is set by the "
                + "module's queue_len parameter, not by the bridge", deviceProblem("{\"id\": \"m\", \"type\": "
                + "\"mypoll\", \"path\": \"/dev/mypoll\", \"queueLen\": 64}"));
    }

    @Test
    void aPathOnAnEmulatorIsRefusedSayingWhy() {
        assertEquals("devices[0].path: not a key of type emulator: the emulator has no device node (type auto "
                + "takes a path and falls back to the emulator)",
                deviceProblem("{\"id\": \"e\", \"type\": \"emulator\", \"path\": \"/dev/mypoll\"}"));
    }

    @Test
    void aRateInUpdateModeIsRefusedSayingWhy() {
        assertEquals("devices[0].hz: only for mode periodic: mode update interrupts once a second",
                deviceProblem("{\"id\": \"c\", \"type\": \"rtc\", \"path\": \"/dev/rtc0\", \"hz\": 64}"));
    }

    @Test
    void eachDeviceTypeIsReadIntoItsOwnRecordWithItsDefaults() {
        List<DeviceSettings> devices = BridgeConfig.from(new JsonObject().put("devices", new JsonArray()
                .add(new JsonObject("{\"id\": \"a\", \"path\": \"/dev/mypoll\"}"))
                .add(new JsonObject("{\"id\": \"m\", \"type\": \"mypoll\", \"path\": \"/dev/mypoll1\"}"))
                .add(new JsonObject("{\"id\": \"e\", \"type\": \"emulator\"}"))
                .add(new JsonObject("{\"id\": \"k\", \"type\": \"evdev\", \"path\": \"/dev/input/event0\"}"))
                .add(new JsonObject("{\"id\": \"c\", \"type\": \"rtc\", \"path\": \"/dev/rtc0\"}")))).devices();
        assertEquals(List.of(
                new AutoSettings("a", "/dev/mypoll", null, EmulatorSettings.DEFAULT_QUEUE_LEN),
                new MypollSettings("m", "/dev/mypoll1", null, false),
                new EmulatorSettings("e", EmulatorSettings.DEFAULT_PERIOD_MS, EmulatorSettings.DEFAULT_QUEUE_LEN),
                new EvdevSettings("k", "/dev/input/event0", null, false, false),
                new RtcSettings("c", "/dev/rtc0", io.mypoll.driver.rtc.RtcDevice.Mode.UPDATE, 0, false)), devices);
    }

    @Test
    void aPeriodicClockKeepsItsRate() {
        RtcSettings clock = (RtcSettings) BridgeConfig.from(new JsonObject().put("devices", new JsonArray().add(
                new JsonObject("{\"id\": \"c\", \"type\": \"rtc\", \"path\": \"/dev/rtc0\", "
                        + "\"mode\": \"periodic\", \"hz\": 64, \"waitForDevice\": true}")))).devices().get(0);
        assertEquals(new RtcSettings("c", "/dev/rtc0", io.mypoll.driver.rtc.RtcDevice.Mode.PERIODIC, 64, true), clock);
    }

    @Test
    void autoBecomesTheKernelDeviceOrTheEmulatorWithItsOwnKeys() {
        AutoSettings auto = new AutoSettings("a", "/dev/mypoll", null, 64);
        assertEquals(new MypollSettings("a", "/dev/mypoll", null, false), auto.asMypoll());
        assertEquals(new EmulatorSettings("a", EmulatorSettings.DEFAULT_PERIOD_MS, 64), auto.asEmulator());
    }
}
