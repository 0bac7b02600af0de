// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.web;

import static io.vertx.core.http.HttpMethod.GET;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mypoll.bridge.Main;
import io.mypoll.bridge.config.BridgeConfig;
import io.mypoll.bridge.contract.Addresses;
import io.mypoll.bridge.web.PrometheusText.Sample;
import io.mypoll.bridge.web.WebFixture.EventBusSocket;
import io.mypoll.bridge.web.WebFixture.Response;
import io.vertx.core.Vertx;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code /metrics}: the bridge's meters, Vert.x's and the JVM's, in the Prometheus text format. */
class MetricsTest {
    private static final Map<String, String> DEVICE = Map.of("device", "d");
    private Vertx vertx;

    @BeforeEach
    void start() {
        // A Vert.x made as Main makes it: metrics can only be switched on when a Vert.x is made.
        vertx = Vertx.vertx(Main.vertxOptions(BridgeConfig.from(new JsonObject().put("devices", new JsonArray()))));
    }

    @AfterEach
    void stop() {
        vertx.close().await();
    }

    private static PrometheusText scrape(WebFixture web) throws Exception {
        Response r = web.call(GET, "/metrics", null, null);
        assertEquals(200, r.status(), r.body());
        assertTrue(r.contentType().startsWith("text/plain; version=0.0.4"), r.contentType());
        return PrometheusText.parse(r.body());
    }

    /** A burst of that many events, scraped once the device's {@code countedBy} shows them all. */
    private static PrometheusText scrapeAfterBurst(WebFixture web, int events, String countedBy) throws Exception {
        web.device.burst(events);
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertEquals(events, scrape(web).value(countedBy, DEVICE), countedBy));
        return scrape(web);
    }

    /** Timer events at 1 kHz and a burst, scraped while they flow; then every event is in. */
    private static Map<String, Long> receiveEvents(WebFixture web, EventBusSocket socket) throws Exception {
        Map<String, Long> byType = new HashMap<>();
        web.device.setPeriodUs(1_000);
        web.device.burst(2_000);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertTrue(scrape(web)
                .value("mypoll_device_events_total", Map.of("device", "d", "type", "timer")) > 0,
                "counted while they flow"));
        web.device.setPeriodUs(0);
        // No tick is left in flight once the timer is stopped, and the burst was queued: the count is final.
        long generated = web.device.stats().generated();
        long received = 0;
        while (received < generated) {
            JsonObject frame = socket.frames.poll(10, TimeUnit.SECONDS);
            if (frame == null) {
                throw new AssertionError("the client received " + received + " of " + generated + " events");
            }
            if (Addresses.EVENTS.equals(frame.getString("address"))) {
                byType.merge(frame.getJsonObject("body").getString("type"), 1L, Long::sum);
                received++;
            }
        }
        return byType;
    }

    @Test
    void theEventCountersEqualTheEventsASockJsClientReceived() throws Exception {
        WebFixture web = new WebFixture(vertx, new JsonObject(), 0);
        EventBusSocket socket = web.registered(Addresses.EVENTS);
        Map<String, Long> received = receiveEvents(web, socket);
        PrometheusText metrics = scrape(web);
        assertEquals("counter", metrics.type("mypoll_device_events_total"));
        for (String type : List.of("timer", "manual", "burst", "overrun")) {
            assertEquals(received.getOrDefault(type, 0L),
                    (long) metrics.value("mypoll_device_events_total", Map.of("device", "d", "type", type)), type);
        }
        assertEquals(2_000L, received.get("burst"));
        long total = received.values().stream().mapToLong(Long::longValue).sum();
        assertEquals(total, (long) metrics.value("mypoll_device_latency_seconds_count", DEVICE),
                "one latency per event (none lost)");
        assertEquals(0, metrics.value("mypoll_device_lost_total", DEVICE));
        assertEquals(0, metrics.value("mypoll_device_seq_gaps_total", DEVICE));
    }

    @Test
    void theLatencyHistogramHasBucketsFrom10MicrosecondsTo1SecondThatAddUp() throws Exception {
        WebFixture web = new WebFixture(vertx, new JsonObject(), 0);
        PrometheusText metrics = scrapeAfterBurst(web, 500, "mypoll_device_latency_seconds_count");
        assertEquals("histogram", metrics.type("mypoll_device_latency_seconds_bucket"));
        List<Sample> buckets = metrics.samples("mypoll_device_latency_seconds_bucket", l -> "d".equals(l.get("device")));
        TreeSet<Double> bounds = new TreeSet<>();
        buckets.forEach(b -> bounds.add(Double.parseDouble(b.labels().get("le").replace("+Inf", "Infinity"))));
        assertEquals(new TreeSet<>(List.of(1e-5, 2e-5, 5e-5, 1e-4, 2e-4, 5e-4, 1e-3, 2e-3, 5e-3, 0.01, 0.02, 0.05,
                0.1, 0.2, 0.5, 1.0, Double.POSITIVE_INFINITY)), bounds);
        double previous = 0;
        for (double le : bounds) {
            double count = buckets.stream().filter(b -> Double.parseDouble(b.labels().get("le")
                    .replace("+Inf", "Infinity")) == le).findFirst().orElseThrow().value();
            assertTrue(count >= previous, "cumulative at le=" + le + ": " + buckets);
            previous = count;
        }
        assertEquals(500, previous, "+Inf holds every event");
        assertEquals(500, metrics.value("mypoll_device_latency_seconds_count", DEVICE));
        assertTrue(metrics.value("mypoll_device_latency_seconds_sum", DEVICE) > 0);
    }

    @Test
    void theBridgeVertxAndJvmMetricsAreThere() throws Exception {
        WebFixture web = new WebFixture(vertx, new JsonObject(), 0);
        EventBusSocket socket = web.registered(Addresses.EVENTS);
        web.call(GET, "/api/config", null, null);
        PrometheusText metrics = scrape(web);
        assertEquals(1, metrics.value("mypoll_bridge_sockets", Map.of()), "this client's socket");
        assertEquals(0, metrics.value("mypoll_bridge_dropped_total", Map.of()));
        for (String prefix : List.of("vertx_eventbus_", "vertx_http_server_", "jvm_memory_used_bytes", "jvm_gc_")) {
            assertTrue(metrics.has(prefix), prefix);
        }
        socket.ws.close();
    }

    @Test
    void theDeviceStateAndTheDriversOwnCountersAreThere() throws Exception {
        WebFixture web = new WebFixture(vertx, new JsonObject(), 0);
        // The driver's counters come with the next status (every 200 ms here).
        PrometheusText metrics = scrapeAfterBurst(web, 100, "mypoll_driver_delivered_total");
        assertEquals(1, metrics.value("mypoll_device_open", DEVICE));
        assertEquals(0, metrics.value("mypoll_device_reopens_total", DEVICE));
        assertEquals(0, metrics.value("mypoll_device_pauses_total", DEVICE), "a bridge that keeps up never pauses");
        assertEquals(100, metrics.value("mypoll_driver_generated_total", DEVICE));
        assertEquals(100, metrics.value("mypoll_driver_delivered_total", DEVICE));
        assertEquals(0, metrics.value("mypoll_driver_lost_total", DEVICE));
        assertEquals(1 << 16, metrics.value("mypoll_driver_capacity", DEVICE));

        web.device.hangUp();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertEquals(0,
                scrape(web).value("mypoll_device_open", DEVICE), "the device is shown closed"));
    }

    @Test
    void aForeignOriginOrAnUnknownHostIsRefusedAsForTheApi() throws Exception {
        WebFixture web = new WebFixture(vertx, new JsonObject(), 0);
        RequestOptions foreign = new RequestOptions().setMethod(GET).setHost("127.0.0.1").setPort(web.http.port())
                .setURI("/metrics").putHeader("Origin", "http://evil.example");
        assertEquals(403, web.call(foreign, null).status());
        RequestOptions rebound = new RequestOptions().setMethod(GET).setHost("127.0.0.1").setPort(web.http.port())
                .setURI("/metrics").putHeader("Host", "evil.example:" + web.http.port());
        assertEquals(421, web.call(rebound, null).status());
        Response ok = web.call(GET, "/metrics", null, null);
        assertEquals(200, ok.status());
        assertEquals("no-store", ok.cacheControl());
    }

    @Test
    void metricsOffMeansNoMetricsEndpoint() throws Exception {
        WebFixture web = new WebFixture(vertx, new JsonObject().put("metrics", new JsonObject()
                .put("enabled", false)), 0);
        assertEquals(404, web.call(GET, "/metrics", null, null).status());
    }
}
