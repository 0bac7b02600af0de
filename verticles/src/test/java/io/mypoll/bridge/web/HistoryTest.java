// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.web;

import static io.vertx.core.http.HttpMethod.GET;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mypoll.bridge.contract.Addresses;
import io.mypoll.bridge.web.WebFixture.EventBusSocket;
import io.mypoll.bridge.web.WebFixture.Response;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The devices' history: {@code GET /api/devices/{id}/events} and {@code mypoll.history.<device>}. */
@ExtendWith(VertxExtension.class)
class HistoryTest {

    private static List<Long> seqs(JsonObject history) {
        return history.getJsonArray("events").stream().map(e -> ((JsonObject) e).getLong("seq")).toList();
    }

    private static List<Long> range(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().toList();
    }

    /** A burst of n events, all handled by the device verticle (the history's lastSeq says so). */
    private static void burst(WebFixture web, int n) throws Exception {
        web.device.burst(n);
        await("the burst in the history's lastSeq").atMost(Duration.ofSeconds(20)).until(() -> web.call(GET,
                "/api/devices/d/events?since=" + (n - 1), null, null).json().getLong("lastSeq"),
                lastSeq -> lastSeq >= n);
    }

    @Test
    void theEventsEndpointServesTheKeptEventsAsPublished(Vertx vertx) throws Exception {
        WebFixture web = new WebFixture(vertx, false, 0);
        BlockingQueue<JsonObject> published = new LinkedBlockingQueue<>();
        vertx.eventBus().<JsonObject>consumer(Addresses.EVENTS, m -> published.add(m.body())).completion().await();
        burst(web, 50);
        Response r = web.call(GET, "/api/devices/d/events", null, null);
        assertEquals(200, r.status(), r.body());
        assertEquals("no-store", r.cacheControl());
        JsonObject history = r.json();
        assertEquals("d", history.getString("device"));
        assertEquals("web-test", history.getString("node"));
        assertEquals(0, history.getInteger("reopens"));
        assertEquals(50, history.getLong("lastSeq"));
        assertEquals(range(1, 50), seqs(history));
        assertEquals(new JsonArray(List.copyOf(published)), history.getJsonArray("events"));
    }

    @Test
    void theRateHistoryCountsTheEventsOfEachSecond(Vertx vertx) throws Exception {
        WebFixture web = new WebFixture(vertx, false, 0);
        burst(web, 30);
        // The rate shows whole seconds only: the burst's appears once its second is over.
        JsonObject rate = await("the burst's second in the rate").atMost(Duration.ofSeconds(20))
                .until(() -> web.call(GET, "/api/devices/d/events", null, null).json().getJsonObject("rate"),
                        r -> r.getJsonArray("counts").stream().mapToLong(c -> ((Number) c).longValue()).sum() >= 30);
        long last = rate.getLong("from") + rate.getJsonArray("counts").size() - 1;
        assertEquals(System.currentTimeMillis() / 1000 - 1, last, 1.0, "up to the last whole second");
        assertEquals(30, rate.getJsonArray("counts").stream().mapToLong(c -> ((Number) c).longValue()).sum());
    }

    @Test
    void sinceGivesOnlyTheEventsAfterThatSeq(Vertx vertx) throws Exception {
        WebFixture web = new WebFixture(vertx, false, 0);
        burst(web, 20);
        assertEquals(range(16, 20), seqs(web.call(GET, "/api/devices/d/events?since=15", null, null).json()));
        assertEquals(List.of(), seqs(web.call(GET, "/api/devices/d/events?since=20", null, null).json()));
    }

    @Test
    void theHistoryKeepsTheConfiguredNumberOfEvents(Vertx vertx) throws Exception {
        WebFixture web = new WebFixture(vertx, new JsonObject().put("history", new JsonObject().put("events", 10)), 0);
        burst(web, 30);
        JsonObject history = web.call(GET, "/api/devices/d/events", null, null).json();
        assertEquals(range(21, 30), seqs(history));
        assertEquals(30, history.getLong("lastSeq"));
    }

    @Test
    void aSinceThatIsNotASeqIs400NamingIt(Vertx vertx) throws Exception {
        WebFixture web = new WebFixture(vertx, false, 0);
        for (String since : List.of("abc", "-1", "1.5", "")) {
            Response r = web.call(GET, "/api/devices/d/events?since=" + since, null, null);
            assertEquals(400, r.status(), since);
            assertEquals("since: must be a whole number from 0 (an event's seq), not " + since,
                    r.json().getString("error"));
        }
    }

    @Test
    void everySinceThatIsALongIsASeq(Vertx vertx) throws Exception {
        WebFixture web = new WebFixture(vertx, false, 0);
        burst(web, 3);
        for (String since : List.of("999999999999999999", "1000000000000000000", "9223372036854775807")) {
            Response r = web.call(GET, "/api/devices/d/events?since=" + since, null, null);
            assertEquals(200, r.status(), since + ": " + r.body());
            assertEquals(List.of(), seqs(r.json()), since);
        }
        assertEquals(range(2, 3), seqs(web.call(GET, "/api/devices/d/events?since=0001", null, null).json()));
    }

    @Test
    void aSinceBeyondALongIs400NamingIt(Vertx vertx) throws Exception {
        WebFixture web = new WebFixture(vertx, false, 0);
        for (String since : List.of("9223372036854775808", "99999999999999999999999")) {
            Response r = web.call(GET, "/api/devices/d/events?since=" + since, null, null);
            assertEquals(400, r.status(), since);
            assertEquals("since: must be at most 9223372036854775807 (an event's seq), not " + since,
                    r.json().getString("error"));
        }
    }

    @Test
    void anEighteenDigitSinceIsASeqOverTheBridgeToo(Vertx vertx) throws Exception {
        WebFixture web = new WebFixture(vertx, false, 0);
        EventBusSocket socket = web.socket();
        socket.request(Addresses.history("d"), new JsonObject().put("since", 999_999_999_999_999_999L), "r1");
        JsonObject reply = socket.await(f -> "r1".equals(f.getString("address")), 5_000);
        assertEquals(List.of(), seqs(reply.getJsonObject("body")), reply.encode());
        socket.ws.writeTextMessage("{\"type\": \"send\", \"address\": \"" + Addresses.history("d") + "\", "
                + "\"body\": {\"since\": 99999999999999999999}, \"replyAddress\": \"r2\"}").await();
        JsonObject error = socket.await(f -> "r2".equals(f.getString("address")), 5_000);
        assertEquals(400, error.getInteger("failureCode"), error.encode());
        assertEquals("since: must be at most 9223372036854775807 (an event's seq), not 99999999999999999999",
                error.getString("message"));
    }

    @Test
    void anUnknownDeviceIs404(Vertx vertx) throws Exception {
        WebFixture web = new WebFixture(vertx, false, 0);
        RestApiTest.assertError(web.call(GET, "/api/devices/nosuch/events", null, null), 404,
                "unknown device 'nosuch'");
    }

    @Test
    void aSockJsClientAsksForTheHistoryWithARequest(Vertx vertx) throws Exception {
        WebFixture web = new WebFixture(vertx, false, 0);
        burst(web, 5);
        EventBusSocket socket = web.socket();
        socket.request(Addresses.history("d"), new JsonObject().put("since", 3), "r1");
        JsonObject reply = socket.await(f -> "r1".equals(f.getString("address")), 5_000);
        assertEquals(range(4, 5), seqs(reply.getJsonObject("body")));
        socket.request(Addresses.history("d"), new JsonObject().put("since", "x"), "r2");
        JsonObject error = socket.await(f -> "r2".equals(f.getString("address")), 5_000);
        assertEquals(400, error.getInteger("failureCode"));
    }
}
