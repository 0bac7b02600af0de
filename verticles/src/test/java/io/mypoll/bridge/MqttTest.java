// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mypoll.bridge.cluster.DirectoryVerticle;
import io.mypoll.bridge.config.BridgeConfig;
import io.mypoll.bridge.contract.Addresses;
import io.mypoll.bridge.device.DeviceVerticle;
import io.mypoll.bridge.mqtt.MqttPublisher;
import io.mypoll.driver.mypoll.EmulatedDevice;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MQTT publisher against a real broker (Debian's mosquitto, on a free loopback port) and a real
 * subscriber ({@code mosquitto_sub}): events in order, the retained statuses and the last will, commands
 * and their replies, and a broker that goes away for 10 s.
 */
class MqttTest {
    private static final String NODE = "mq";
    @TempDir
    Path dir;
    private Mosquitto broker;
    private Vertx vertx;
    private EmulatedDevice device;
    private MqttPublisher publisher;
    /** Every event the bridge published on the bus for device d, counted: what the device made. */
    private final AtomicLong made = new AtomicLong();
    private final BlockingQueue<JsonObject> statuses = new LinkedBlockingQueue<>();

    @AfterEach
    void tearDown() throws Exception {
        if (vertx != null) {
            vertx.close().await(20, TimeUnit.SECONDS);
        }
        if (broker != null) {
            broker.close();
        }
    }

    /** A bridge in this JVM: device d (an emulator, its timer at periodUs, 0 for none) and the MQTT publisher. */
    private void startBridge(int periodUs, JsonObject mqtt, JsonObject more) throws Exception {
        JsonObject settings = new JsonObject()
                .put("node", NODE)
                .put("statusIntervalMs", 200)
                .put("devices", new JsonArray().add(new JsonObject().put("id", "d").put("type", "emulator")))
                .put("mqtt", new JsonObject().put("enabled", true).put("port", broker.port)
                        .put("reconnectMinMs", 200).put("reconnectMaxMs", 1000).mergeIn(mqtt))
                .mergeIn(more);
        BridgeConfig config = BridgeConfig.from(settings);
        vertx = Vertx.vertx();
        device = new EmulatedDevice("d", periodUs, 1 << 16);
        vertx.eventBus().<JsonObject>consumer(Addresses.EVENTS, m -> made.incrementAndGet()).completion().await();
        vertx.eventBus().<JsonObject>consumer(Addresses.STATUS, m -> statuses.add(m.body())).completion().await();
        vertx.deployVerticle(new DirectoryVerticle()).await();
        publisher = new MqttPublisher(config);
        vertx.deployVerticle(publisher).await();
        vertx.deployVerticle(new DeviceVerticle(config, dc -> device),
                new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER)).await();
    }

    private static String topic(String rest) {
        return "mypoll/" + NODE + "/" + rest;
    }

    private static boolean isEvent(String line) {
        return line.startsWith(topic("d/event "));
    }

    private static long seq(String line) {
        return new JsonObject(Mosquitto.Sub.payload(line)).getLong("seq");
    }

    /** Waits for a condition, with a deadline. */
    private static void waitFor(String what, long timeoutMs, java.util.function.BooleanSupplier done)
            throws InterruptedException {
        waitFor(() -> what, timeoutMs, done);
    }

    private static void waitFor(java.util.function.Supplier<String> what, long timeoutMs,
                                java.util.function.BooleanSupplier done) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (!done.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("not within " + timeoutMs + " ms: " + what.get());
            }
            Thread.sleep(20); // polled with the deadline above
        }
    }

    /** The runs of seqs missing from a set, for a failure's message. */
    private static String missing(Set<Long> seqs) {
        StringBuilder runs = new StringBuilder();
        long expected = 1;
        for (long seq : new TreeSet<>(seqs)) {
            if (seq != expected && runs.length() < 400) {
                runs.append(expected).append("..").append(seq - 1).append(' ');
            }
            expected = seq + 1;
        }
        return runs.toString();
    }

    private JsonObject control(JsonObject request) {
        return vertx.eventBus().<JsonObject>request(Addresses.control("d"), request).await().body();
    }

    @Test
    void eventsArriveInOrderWithNoGapAtQos1AndTheStatusesAreRetained() throws Exception {
        broker = new Mosquitto(dir, false);
        Mosquitto.Sub sub = broker.subscribeReady("mypoll/#", null, "mypoll/probe");
        startBridge(1000, new JsonObject(), new JsonObject());
        sub.await(line -> line.equals(topic("status online")), 10_000);
        waitFor("3000 events at the subscriber", 30_000,
                () -> sub.lines.stream().filter(MqttTest::isEvent).count() >= 3000);
        List<Long> seqs = sub.lines.stream().filter(MqttTest::isEvent).map(MqttTest::seq).toList();
        long first = seqs.get(0);
        for (int i = 0; i < seqs.size(); i++) {
            assertEquals(first + i, seqs.get(i), "event " + i + " of " + seqs.size() + " in order, no gap");
        }
        JsonObject event = new JsonObject(Mosquitto.Sub.payload(
                sub.lines.stream().filter(MqttTest::isEvent).findFirst().orElseThrow()));
        assertEquals(Set.of("device", "node", "seq", "type", "tsNs", "time", "lost", "payload", "latencyUs"),
                event.fieldNames(), "the fields of mypoll.events");
        assertEquals("timer", event.getString("type"));
        assertEquals(NODE, event.getString("node"));

        // A subscriber that comes later gets the node's and the device's retained statuses at once.
        Mosquitto.Sub late = broker.subscribe(topic("#"), null);
        late.await(line -> line.equals(topic("status online")), 10_000);
        String status = late.await(line -> line.startsWith(topic("d/status ")), 10_000);
        JsonObject device = new JsonObject(Mosquitto.Sub.payload(status));
        assertEquals("d", device.getString("id"));
        assertEquals(true, device.getBoolean("open"));
        assertEquals(0, publisher.dropped());

        // The node's status on the bus tells of the connection.
        JsonObject mqtt = null;
        long deadline = System.currentTimeMillis() + 10_000;
        while (mqtt == null || mqtt.getLong("published") == 0) {
            JsonObject s = statuses.poll(Math.max(1, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
            assertTrue(s != null, "a mypoll.status with an mqtt object");
            mqtt = s.getJsonObject("mqtt");
        }
        assertEquals(true, mqtt.getBoolean("connected"));
        assertEquals(0, mqtt.getLong("dropped"));
    }

    @Test
    void aCommandTriggersTheDeviceAndIsAnsweredAndABadOneWritesNothing() throws Exception {
        broker = new Mosquitto(dir, false);
        Mosquitto.Sub sub = broker.subscribeReady("mypoll/#", null, "mypoll/probe");
        startBridge(0, new JsonObject().put("allowCommands", true), new JsonObject());
        sub.await(line -> line.equals(topic("status online")), 10_000);
        // The subscription to the command topic follows the connect: retry the first command until answered.
        String reply = null;
        for (int i = 0; reply == null && i < 50; i++) {
            broker.publish(topic("d/command"), "{\"id\": \"first\", \"trigger\": {\"payload\": \"hello mqtt\"}}",
                    false);
            try {
                reply = sub.await(line -> line.startsWith(topic("d/reply ")), 200);
            } catch (AssertionError notYet) {
                // not subscribed yet
            }
        }
        JsonObject answer = new JsonObject(Mosquitto.Sub.payload(reply));
        assertEquals("first", answer.getString("id"));
        assertEquals(true, answer.getBoolean("ok"), answer.encode());
        assertEquals(200, answer.getInteger("code"));
        assertEquals(new JsonObject().put("device", "d").put("accepted", true), answer.getJsonObject("result"));
        String event = sub.await(line -> isEvent(line) && line.contains("\"manual\""), 10_000);
        assertEquals("hello mqtt", new JsonObject(Mosquitto.Sub.payload(event)).getString("payload"));
        long firstSeq = seq(event);

        // Refused, each with its answer: a payload over 40 bytes (the device's own check), not JSON, no id,
        // control while bridge.allowControl is off, an unknown device.
        broker.publish(topic("d/command"), "{\"id\": \"long\", \"trigger\": {\"payload\": \"" + "x".repeat(41)
                + "\"}}", false);
        JsonObject tooLong = new JsonObject(Mosquitto.Sub.payload(
                sub.await(line -> line.startsWith(topic("d/reply ")), 10_000)));
        assertEquals(new JsonObject().put("id", "long").put("ok", false).put("code", 400)
                .put("message", "payload is 41 bytes of UTF-8; the limit is 40"), tooLong);
        broker.publish(topic("d/command"), "payload=hi", false);
        JsonObject notJson = new JsonObject(Mosquitto.Sub.payload(
                sub.await(line -> line.startsWith(topic("d/reply ")), 10_000)));
        assertNull(notJson.getString("id"));
        assertEquals(400, notJson.getInteger("code"));
        assertTrue(notJson.getString("message").startsWith("the command is not JSON"), notJson.encode());
        broker.publish(topic("d/command"), "{\"trigger\": {\"payload\": \"no id\"}}", false);
        JsonObject noId = new JsonObject(Mosquitto.Sub.payload(
                sub.await(line -> line.startsWith(topic("d/reply ")), 10_000)));
        assertEquals(400, noId.getInteger("code"));
        assertTrue(noId.getString("message").startsWith("id must be a string"), noId.encode());
        broker.publish(topic("d/command"), "{\"id\": \"c\", \"control\": {\"burst\": 5}}", false);
        JsonObject forbidden = new JsonObject(Mosquitto.Sub.payload(
                sub.await(line -> line.startsWith(topic("d/reply ")), 10_000)));
        assertEquals(403, forbidden.getInteger("code"), forbidden.encode());
        broker.publish(topic("nosuch/command"), "{\"id\": \"n\", \"trigger\": {\"payload\": \"x\"}}", false);
        JsonObject unknown = new JsonObject(Mosquitto.Sub.payload(
                sub.await(line -> line.startsWith(topic("nosuch/reply ")), 10_000)));
        assertEquals(404, unknown.getInteger("code"), unknown.encode());

        // None of them wrote: the next good trigger's event is the very next seq.
        broker.publish(topic("d/command"), "{\"id\": \"second\", \"trigger\": {\"payload\": \"again\"}}", false);
        String second = sub.await(line -> isEvent(line) && line.contains("\"manual\""), 10_000);
        assertEquals("again", new JsonObject(Mosquitto.Sub.payload(second)).getString("payload"));
        assertEquals(firstSeq + 1, seq(second), "the refused commands made no event");
        assertEquals(2, sub.lines.stream().filter(MqttTest::isEvent).count(), String.valueOf(sub.lines));
    }

    @Test
    void aBrokerAwayForTenSecondsLosesNothingUncountedAndTheHeapStaysBounded() throws Exception {
        broker = new Mosquitto(dir, true);
        // A persistent session: the broker keeps what comes for the subscriber while it reconnects.
        Mosquitto.Sub sub = broker.subscribeReady("mypoll/#", "mqtt-test-sub", "mypoll/probe");
        startBridge(2000, new JsonObject().put("bufferEvents", 1_000_000).put("bufferBytes", 1 << 20),
                new JsonObject());
        sub.await(line -> line.equals(topic("status online")), 10_000);
        waitFor("events at the subscriber", 10_000, () -> sub.lines.stream().anyMatch(MqttTest::isEvent));
        long heapBefore = HeapUse.afterGc();

        broker.stop();
        waitFor("the publisher sees the broker gone", 10_000, () -> !publisher.connected());
        long awayFrom = System.currentTimeMillis();
        // 500 events/s from the timer, and bursts: far more than the buffer's bound, in events and in bytes.
        for (int i = 0; i < 4; i++) {
            long before = made.get();
            control(new JsonObject().put("burst", 50_000));
            waitFor("burst " + i + " read", 30_000, () -> made.get() >= before + 50_000);
        }
        // The publisher has taken every event made: each is buffered, or dropped.
        waitFor(() -> "the publisher takes the events: made " + made.get() + ", dropped " + publisher.dropped()
                + ", buffered " + publisher.buffered(), 30_000,
                () -> publisher.dropped() + publisher.buffered() + publisher.published() >= made.get());
        long heapAway = HeapUse.afterGc();
        // The JSON of 200,000 events is about 30 MB; the buffer holds 1 MB of it.
        assertTrue(heapAway - heapBefore < 12L << 20, "heap grew by " + ((heapAway - heapBefore) >> 20) + " MB");
        long sleepMs = 10_000 - (System.currentTimeMillis() - awayFrom);
        if (sleepMs > 0) {
            Thread.sleep(sleepMs); // the outage itself: the broker is away for 10 s
        }
        assertFalse(publisher.connected());
        broker.start();
        waitFor("the publisher reconnects", 10_000, publisher::connected);
        // Stop making events, then every one made is either at the subscriber or counted as dropped.
        control(new JsonObject().put("periodMs", 0));
        Set<Long> arrived = new TreeSet<>();
        // Timer events read after the stop still count: the check holds for a count that stayed put through it.
        long[] madeAll = {made.get()};
        waitFor(() -> "arrived + dropped = made: made " + made.get() + ", arrived " + arrived.size() + ", dropped "
                + publisher.dropped() + ", lines " + sub.lines.size() + ", missing " + missing(arrived),
                60_000, () -> {
            madeAll[0] = made.get();
            arrived.clear();
            new ArrayList<>(sub.lines).stream().filter(MqttTest::isEvent).forEach(l -> arrived.add(seq(l)));
            return arrived.size() + publisher.dropped() >= madeAll[0] && made.get() == madeAll[0];
        });
        long dropped = publisher.dropped();
        System.out.printf("MQTT outage: made %d, arrived %d, dropped %d; heap %d MB before, %d MB while away%n",
                madeAll[0], arrived.size(), dropped, heapBefore >> 20, heapAway >> 20);
        assertEquals(madeAll[0], arrived.size() + dropped, "arrived + dropped = made");
        assertTrue(dropped > 190_000, "the bursts overflowed the buffer: " + dropped);
        assertEquals(1, ((TreeSet<Long>) arrived).first(), "from the first event on");
    }

    @Test
    void theLastWillSaysOfflineWhenTheBridgeDiesAndMetricsCount() throws Exception {
        broker = new Mosquitto(dir, false);
        Mosquitto.Sub sub = broker.subscribeReady("mypoll/#", null, "mypoll/probe");
        int httpPort;
        try (ServerSocket s = new ServerSocket(0)) {
            httpPort = s.getLocalPort();
        }
        JsonObject config = new JsonObject()
                .put("node", NODE)
                .put("http", new JsonObject().put("port", httpPort))
                .put("devices", new JsonArray().add(new JsonObject().put("id", "d").put("type", "emulator")
                        .put("periodMs", 10)))
                .put("mqtt", new JsonObject().put("enabled", true).put("port", broker.port));
        try (BridgeProcess bridge = new BridgeProcess(dir, config.encodePrettily())) {
            sub.await(line -> line.equals(topic("status online")), 30_000);
            sub.await(MqttTest::isEvent, 10_000);
            // The publisher starts before the HTTP server, so events can come first.
            bridge.await(line -> line.contains("serving http"), 30_000);
            HttpClient http = HttpClient.newHttpClient();
            String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort
                    + "/metrics")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString())
                    .body();
            assertTrue(metrics.contains("mypoll_mqtt_connected 1.0"), metrics);
            assertTrue(metrics.contains("mypoll_mqtt_published_total"), metrics);
            assertTrue(metrics.contains("mypoll_mqtt_dropped_total 0.0"), metrics);
            bridge.process.destroyForcibly();
            bridge.process.waitFor(10, TimeUnit.SECONDS);
            sub.await(line -> line.equals(topic("status offline")), 10_000);
        }
    }
}
