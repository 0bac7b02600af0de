// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.device;

import io.mypoll.bridge.contract.Addresses;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.File;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@ExtendWith(VertxExtension.class)
class DeviceVerticleTest {

    @ParameterizedTest
    @ValueSource(strings = {"sigio", "poll"})
    void aConsumerInAnotherVerticleReceivesEvents(String notify, Vertx vertx) throws Exception {
        DeviceFixture bridge = new DeviceFixture(vertx).device("d", 5_000).start(notify);
        JsonObject first = bridge.nextEvent(2_000);
        JsonObject second = bridge.nextEvent(2_000);
        assertEquals("d", first.getString("device"));
        assertEquals("test-node", first.getString("node"));
        assertEquals("timer", first.getString("type"));
        assertEquals(first.getLong("seq") + 1, second.getLong("seq"));
        assertTrue(first.getLong("tsNs") > 0);
        assertTrue(first.getDouble("latencyUs") >= 0);
        assertEquals(0, first.getInteger("lost"));
        Instant time = Instant.parse(first.getString("time"));
        assertTrue(Math.abs(time.toEpochMilli() - System.currentTimeMillis()) < 10_000, "time is the wall clock");
    }

    @Test
    void aTriggerRequestSucceedsAndItsManualEventArrives(Vertx vertx) throws Exception {
        DeviceFixture bridge = new DeviceFixture(vertx).device("d", 0).start("sigio");
        JsonObject reply = bridge.request(Addresses.trigger("d"), new JsonObject().put("payload", "héllo"));
        assertEquals(new JsonObject().put("device", "d").put("accepted", true), reply);
        JsonObject event = bridge.nextEvent("manual", 2_000);
        assertEquals("héllo", event.getString("payload"));
        assertEquals("d", event.getString("device"));
    }

    @Test
    void aTriggerSentAsJsonTextIsAccepted(Vertx vertx) throws Exception {
        DeviceFixture bridge = new DeviceFixture(vertx).device("d", 0).start("sigio");
        bridge.request(Addresses.trigger("d"), "{\"payload\": \"as text\"}");
        assertEquals("as text", bridge.nextEvent("manual", 2_000).getString("payload"));
    }

    /** A bad request fails with 400 and a message; the next good trigger is then the only MANUAL event. */
    private static void assertRefusedAndNothingWritten(DeviceFixture bridge, Object body, String expected)
            throws Exception {
        ReplyException e = bridge.failure(Addresses.trigger("d"), body);
        assertEquals(400, e.failureCode());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        bridge.request(Addresses.trigger("d"), new JsonObject().put("payload", "good"));
        JsonObject event = bridge.nextEvent("manual", 2_000);
        assertEquals("good", event.getString("payload"));
        assertEquals(1, event.getLong("seq"), "the refused trigger made no event");
    }

    @Test
    void aPayloadOverFortyBytesIsRefused(Vertx vertx) throws Exception {
        DeviceFixture bridge = new DeviceFixture(vertx).device("d", 0).start("sigio");
        assertRefusedAndNothingWritten(bridge, new JsonObject().put("payload", "x".repeat(41)),
                "payload is 41 bytes of UTF-8; the limit is 40");
    }

    @Test
    void aPayloadOfFortyBytesCountsUtf8Bytes(Vertx vertx) throws Exception {
        DeviceFixture bridge = new DeviceFixture(vertx).device("d", 0).start("sigio");
        assertRefusedAndNothingWritten(bridge, new JsonObject().put("payload", "é".repeat(21)),
                "payload is 42 bytes");
    }

    @Test
    void aBodyThatIsNotJsonIsRefused(Vertx vertx) throws Exception {
        DeviceFixture bridge = new DeviceFixture(vertx).device("d", 0).start("sigio");
        assertRefusedAndNothingWritten(bridge, "payload=hi", "body is not JSON");
    }

    @Test
    void aPayloadThatIsNotAStringIsRefused(Vertx vertx) throws Exception {
        DeviceFixture bridge = new DeviceFixture(vertx).device("d", 0).start("sigio");
        assertRefusedAndNothingWritten(bridge, new JsonObject().put("payload", 42), "payload must be a string");
    }

    @Test
    void anUnknownDeviceHasNoHandler(Vertx vertx) throws Exception {
        DeviceFixture bridge = new DeviceFixture(vertx).device("d", 0).start("sigio");
        ReplyException e = bridge.failure(Addresses.trigger("nosuch"), new JsonObject().put("payload", "x"));
        assertEquals(ReplyFailure.NO_HANDLERS, e.failureType());
        assertTrue(e.getMessage().contains("mypoll.trigger.nosuch"), e.getMessage());
    }

    @Test
    void aClosedDeviceAnswers503(Vertx vertx) throws Exception {
        DeviceFixture bridge = new DeviceFixture(vertx).device("d", 0).start("sigio");
        bridge.devices.get(0).hangUp();
        ReplyException e = await("a 503 for the closed device").atMost(Duration.ofSeconds(20))
                .until(() -> bridge.failure(Addresses.trigger("d"), new JsonObject().put("payload", "x")),
                        failure -> failure.failureCode() == 503);
        assertEquals("device d is closed: end of file", e.getMessage());
        JsonArray devices = vertx.eventBus().<JsonArray>request(Addresses.DEVICES, null).await().body();
        assertEquals(false, devices.getJsonObject(0).getBoolean("open"));
    }

    @Test
    void controlSetsThePeriodAndRepliesWithIt(Vertx vertx) throws Exception {
        DeviceFixture bridge = new DeviceFixture(vertx).device("d", 0).start("sigio");
        JsonObject reply = bridge.request(Addresses.control("d"), new JsonObject().put("periodMs", 2.5));
        assertEquals(new JsonObject().put("device", "d").put("periodMs", 2.5).put("periodUs", 2500), reply);
        assertEquals(2500, bridge.devices.get(0).periodUs());
        assertEquals("timer", bridge.nextEvent(2_000).getString("type"));
    }

    @Test
    void aBadPeriodIsRefused(Vertx vertx) throws Exception {
        DeviceFixture bridge = new DeviceFixture(vertx).device("d", 0).start("sigio");
        ReplyException e = bridge.failure(Addresses.control("d"), new JsonObject().put("periodMs", "fast"));
        assertEquals(400, e.failureCode());
        assertTrue(e.getMessage().startsWith("periodMs: must be a number"), e.getMessage());
        assertEquals(0, bridge.devices.get(0).periodUs());
    }

    @Test
    void controlBurstMakesThatManyBurstEventsInOrder(Vertx vertx) throws Exception {
        DeviceFixture bridge = new DeviceFixture(vertx).device("d", 0).start("poll");
        JsonObject reply = bridge.request(Addresses.control("d"), new JsonObject().put("burst", 500));
        assertEquals(500, reply.getInteger("burst"), reply.encode());
        long first = bridge.nextEvent("burst", 2_000).getLong("seq");
        for (int i = 1; i < 500; i++) {
            JsonObject e = bridge.nextEvent(2_000);
            assertEquals("burst", e.getString("type"));
            assertEquals(first + i, e.getLong("seq"));
        }
        assertNull(bridge.events.poll(200, TimeUnit.MILLISECONDS), "no more than 500");
    }

    @Test
    void aBadBurstCountIsRefusedAndNothingIsMade(Vertx vertx) throws Exception {
        DeviceFixture bridge = new DeviceFixture(vertx).device("d", 0).start("sigio");
        for (Object count : new Object[] {0, 1.5, "many", (1 << 20) + 1}) {
            ReplyException e = bridge.failure(Addresses.control("d"), new JsonObject().put("burst", count));
            assertEquals(400, e.failureCode());
            assertTrue(e.getMessage().startsWith("burst: must be a whole number from 1 to 1048576"), e.getMessage());
        }
        ReplyException both = bridge.failure(Addresses.control("d"),
                new JsonObject().put("burst", 0).put("periodMs", 5));
        assertEquals(400, both.failureCode());
        assertEquals(0, bridge.devices.get(0).periodUs(), "the valid period of a bad request is not applied");
        assertNull(bridge.events.poll(300, TimeUnit.MILLISECONDS));
    }

    @Test
    void aControlRequestWithNeitherPeriodNorBurstIsRefused(Vertx vertx) throws Exception {
        DeviceFixture bridge = new DeviceFixture(vertx).device("d", 0).start("sigio");
        ReplyException e = bridge.failure(Addresses.control("d"), new JsonObject().put("period", 5));
        assertEquals(400, e.failureCode());
        assertEquals("expected {\"periodMs\": number} or {\"burst\": count}, not {\"period\":5}", e.getMessage());
    }

    @Test
    void devicesListsEveryDeviceWithItsKindAndMode(Vertx vertx) throws Exception {
        new DeviceFixture(vertx).device("a", 0).device("b", 0).start("poll");
        JsonArray devices = vertx.eventBus().<JsonArray>request(Addresses.DEVICES, null).await().body();
        assertEquals(2, devices.size());
        JsonObject a = devices.getJsonObject(0);
        assertEquals("a", a.getString("id"));
        assertEquals("test-node", a.getString("node"));
        assertEquals("emulator", a.getString("type"));
        assertEquals("emulator", a.getString("path"));
        assertEquals("poll", a.getString("mode"));
        assertEquals(true, a.getBoolean("open"));
    }

    @Test
    void statusCountsEventsRateAndLatency(Vertx vertx) throws Exception {
        DeviceFixture bridge = new DeviceFixture(vertx).device("d", 1_000).start("sigio");
        JsonObject device = null;
        long deadline = System.currentTimeMillis() + 5_000;
        while (System.currentTimeMillis() < deadline) {
            JsonObject status = bridge.statuses.poll(1, TimeUnit.SECONDS);
            if (status != null) {
                device = status.getJsonArray("devices").getJsonObject(0);
                if (device.getJsonObject("events").getLong("timer") > 100) {
                    break;
                }
            }
        }
        assertNotNull(device);
        assertEquals("d", device.getString("id"));
        assertTrue(device.getJsonObject("events").getLong("timer") > 100, device.encode());
        assertTrue(device.getDouble("ratePerSec") > 500, "about 1000/s: " + device.getDouble("ratePerSec"));
        assertEquals(0, device.getLong("gaps"));
        assertEquals(0, device.getLong("lost"));
        assertNotNull(device.getJsonObject("latencyUs").getLong("p50"));
        assertNotNull(device.getJsonObject("latencyUs").getLong("p99"));
        assertEquals(1000, device.getJsonObject("driver").getInteger("periodUs"));
    }

    @Test
    void overrunsAreLossesNotGaps(Vertx vertx) throws Exception {
        DeviceFixture bridge = new DeviceFixture(vertx).device("o", 0, 16).start("poll");
        // Far more than the queue and the socket hold at once: the reader falls behind and loses some.
        for (int i = 0; i < 5; i++) {
            bridge.devices.get(0).burst(200_000);
        }
        JsonObject device = null;
        long deadline = System.currentTimeMillis() + 20_000;
        while (System.currentTimeMillis() < deadline) {
            JsonObject status = bridge.statuses.poll(1, TimeUnit.SECONDS);
            if (status != null) {
                device = status.getJsonArray("devices").getJsonObject(0);
                if (device.getLong("lastSeq") == 1_000_000) {
                    break;
                }
            }
        }
        assertNotNull(device);
        assertEquals(1_000_000, device.getLong("lastSeq"), device.encode());
        assertTrue(device.getJsonObject("events").getLong("overrun") > 0, "overruns happened: " + device.encode());
        assertTrue(device.getLong("lost") > 0, device.encode());
        assertEquals(0, device.getLong("gaps"), "every jump is explained by an overrun: " + device.encode());
        assertEquals(1_000_000, device.getJsonObject("events").getLong("total")
                - device.getJsonObject("events").getLong("overrun") + device.getLong("lost"),
                "events read and events lost make every event made");
    }

    @Test
    void statusWhileServingAndOnStopHasOneShape(Vertx vertx) throws Exception {
        DeviceFixture bridge = new DeviceFixture(vertx).device("d", 0).start("sigio");
        JsonObject online = bridge.statuses.poll(5, TimeUnit.SECONDS);
        assertNotNull(online, "a status while serving");
        vertx.undeploy(bridge.deployment).await();
        JsonObject offline = null;
        for (JsonObject s = bridge.statuses.poll(2, TimeUnit.SECONDS); s != null;
             s = bridge.statuses.poll(200, TimeUnit.MILLISECONDS)) {
            offline = s;
        }
        assertNotNull(offline, "a last status when the verticle stops");
        java.util.Set<String> keys = java.util.Set.of("node", "nodeId", "online", "time", "intervalMs", "devices");
        assertEquals(keys, online.fieldNames(), online.encode());
        assertEquals(keys, offline.fieldNames(), offline.encode());
        assertEquals(true, online.getBoolean("online"));
        assertEquals(200, online.getLong("intervalMs"));
        assertEquals(false, offline.getBoolean("online"));
        assertEquals(0, offline.getLong("intervalMs"), "no more status will come");
        JsonObject device = offline.getJsonArray("devices").getJsonObject(0);
        assertEquals("node stopped", device.getString("closedReason"));
        assertEquals(false, device.getBoolean("online"));
    }

    @Test
    void undeployStopsTheLoopAndClosesEveryFd(Vertx vertx) throws Exception {
        // Warm up Vert.x's own fds (event loop, worker threads) before counting.
        new DeviceFixture(vertx).device("warm", 0).start("sigio");
        java.util.Set<String> before = fds();
        DeviceFixture bridge = new DeviceFixture(vertx).device("d", 0).start("sigio");
        await("a status of the serving verticle").atMost(Duration.ofSeconds(20)).until(() -> bridge.statuses.stream()
                .anyMatch(s -> s.getJsonArray("devices").stream().anyMatch(d -> "d".equals(((JsonObject) d).getString("id")))));
        // The loop waits with no timeout, so a stop that did not wake it would never end;
        // the bound is only long enough for a loaded machine to run the undeploy.
        vertx.undeploy(bridge.deployment).await(5, TimeUnit.SECONDS);
        // A leak stays open: an fd counts when it is new and stays open, looked at for up to 10 s.
        java.util.Set<String> after = fds();
        after.removeAll(before);
        try {
            await().pollInSameThread().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> {
                after.retainAll(fds());
                return after.isEmpty();
            });
        } catch (ConditionTimeoutException stillOpen) {
            // what is left is the leak, for the assertion to name
        }
        assertEquals(java.util.Set.of(), after, "fds opened by the deploy and left open after the undeploy");
    }

    /**
     * "fd -> target" of every open fd, but for the JVM's own reads of its
     * cgroup and /proc files, which other threads open and close at any time
     * (slowly, on a loaded machine); the bridge never opens such files.
     */
    private static java.util.Set<String> fds() {
        java.util.Set<String> fds = new java.util.HashSet<>();
        for (String fd : new File("/proc/self/fd").list()) {
            try {
                String target = java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/self/fd", fd))
                        .toString();
                if (!target.startsWith("/sys/fs/cgroup/") && !target.startsWith("/proc/")) {
                    fds.add(fd + " -> " + target);
                }
            } catch (java.io.IOException e) {
                // closed while listing
            }
        }
        return fds;
    }
}
