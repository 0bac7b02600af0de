// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.web;

import io.mypoll.bridge.contract.Addresses;
import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.POST;
import static io.vertx.core.http.HttpMethod.PUT;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mypoll.bridge.web.WebFixture.Response;
import io.vertx.core.Vertx;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class RestApiTest {
    private static final String JSON = "application/json";

    static void assertError(Response r, int status, String message) {
        assertEquals(status, r.status(), r.body());
        assertEquals(JSON, r.contentType());
        assertEquals(message, r.json().getString("error"));
    }

    @Test
    void devicesListsTheDevice(Vertx vertx) throws Exception {
        WebFixture web = new WebFixture(vertx, false, 0);
        Response r = web.call(GET, "/api/devices", null, null);
        assertEquals(200, r.status());
        JsonArray devices = new JsonArray(r.body());
        assertEquals("d", devices.getJsonObject(0).getString("id"));
        assertEquals(true, devices.getJsonObject(0).getBoolean("open"));
    }

    @Test
    void statusHoldsTheDevicesAndTheSocketCounters(Vertx vertx) throws Exception {
        WebFixture web = new WebFixture(vertx, false, 1_000);
        JsonObject status = await("a timer event counted in /api/status").atMost(Duration.ofSeconds(10))
                .until(() -> web.call(GET, "/api/status", null, null).json(), s -> !s.getJsonArray("devices").isEmpty()
                        && s.getJsonArray("devices").getJsonObject(0).getJsonObject("events").getLong("timer", 0L) > 0);
        assertEquals("d", status.getJsonArray("devices").getJsonObject(0).getString("id"));
        assertTrue(status.getJsonArray("devices").getJsonObject(0).getJsonObject("events").getLong("timer") > 0);
        assertEquals(0, status.getJsonObject("sockets").getLong("dropped"));
    }

    /** Payloads of the MANUAL events published from now on. */
    private static BlockingQueue<String> manualPayloads(Vertx vertx) {
        BlockingQueue<String> payloads = new LinkedBlockingQueue<>();
        vertx.eventBus().<JsonObject>consumer(Addresses.EVENTS, m -> {
            if ("manual".equals(m.body().getString("type"))) {
                payloads.add(m.body().getString("payload"));
            }
        }).completion().await();
        return payloads;
    }

    @Test
    void aJsonTriggerMakesTheManualEvent(Vertx vertx) throws Exception {
        WebFixture web = new WebFixture(vertx, false, 0);
        BlockingQueue<String> payloads = manualPayloads(vertx);
        Response r = web.call(POST, "/api/devices/d/trigger", JSON, "{\"payload\": \"rest\"}");
        assertEquals(200, r.status(), r.body());
        assertEquals(new JsonObject().put("device", "d").put("accepted", true), r.json());
        assertEquals("rest", payloads.poll(5, TimeUnit.SECONDS));
    }

    @Test
    void aTextBodyIsThePayload(Vertx vertx) throws Exception {
        WebFixture web = new WebFixture(vertx, false, 0);
        BlockingQueue<String> payloads = manualPayloads(vertx);
        assertEquals(200, web.call(POST, "/api/devices/d/trigger", "text/plain", "plain text").status());
        assertEquals("plain text", payloads.poll(5, TimeUnit.SECONDS));
    }

    @Test
    void anUnknownDeviceIs404(Vertx vertx) throws Exception {
        WebFixture web = new WebFixture(vertx, false, 0);
        assertError(web.call(POST, "/api/devices/nosuch/trigger", JSON, "{\"payload\": \"x\"}"), 404,
                "unknown device 'nosuch'");
    }

    @Test
    void anOversizedPayloadIs400AndWritesNothing(Vertx vertx) throws Exception {
        WebFixture web = new WebFixture(vertx, false, 0);
        assertError(web.call(POST, "/api/devices/d/trigger", JSON, "{\"payload\": \"" + "x".repeat(41) + "\"}"),
                400, "payload is 41 bytes of UTF-8; the limit is 40");
        assertEquals(0, web.device.stats().generated());
    }

    @Test
    void malformedJsonIs400(Vertx vertx) throws Exception {
        WebFixture web = new WebFixture(vertx, false, 0);
        assertError(web.call(POST, "/api/devices/d/trigger", JSON, "{\"payload\": "), 400,
                "the body is not JSON; expected {\"payload\": \"text\"}");
    }

    @Test
    void periodIs403WhenControlIsDisabled(Vertx vertx) throws Exception {
        WebFixture web = new WebFixture(vertx, false, 0);
        assertError(web.call(PUT, "/api/devices/d/period", JSON, "{\"periodMs\": 5}"), 403,
                "control is disabled; set bridge.allowControl to true to allow it");
        assertEquals(0, web.device.periodUs());
    }

    @Test
    void periodSetsTheTimerWhenControlIsEnabled(Vertx vertx) throws Exception {
        WebFixture web = new WebFixture(vertx, true, 0);
        Response r = web.call(PUT, "/api/devices/d/period", JSON, "{\"periodMs\": 5}");
        assertEquals(200, r.status(), r.body());
        assertEquals(5000, r.json().getInteger("periodUs"));
        assertEquals(5000, web.device.periodUs());
        assertError(web.call(PUT, "/api/devices/d/period", JSON, "{\"periodMs\": -1}"), 400,
                "periodMs: must be from 0 (off) to 3600000, not -1");
    }

    @Test
    void periodTakesOnlyThePeriodNotABurst(Vertx vertx) throws Exception {
        WebFixture web = new WebFixture(vertx, true, 0);
        assertError(web.call(PUT, "/api/devices/d/period", JSON, "{\"burst\": 5}"), 400,
                "periodMs: missing, expected {\"periodMs\": number}");
        Response r = web.call(PUT, "/api/devices/d/period", JSON, "{\"periodMs\": 0, \"burst\": 5}");
        assertEquals(200, r.status(), r.body());
        assertEquals(null, r.json().getValue("burst"), r.body());
        assertEquals(0, web.device.stats().generated(), "no event made");
    }

    @Test
    void healthIs200WhileEveryDeviceIsOpenAnd503After(Vertx vertx) throws Exception {
        WebFixture web = new WebFixture(vertx, false, 0);
        Response ok = web.call(GET, "/health", null, null);
        assertEquals(200, ok.status());
        assertEquals("ok", ok.json().getString("status"));
        web.device.hangUp();
        Response down = await("/health unavailable").atMost(Duration.ofSeconds(20))
                .until(() -> web.call(GET, "/health", null, null), r -> r.status() == 503);
        assertEquals("device d is closed", down.json().getString("reason"));
    }

    @Test
    void anUnhealthyHealthNamesTheClosedDevicesButNotWhy(Vertx vertx) throws Exception {
        WebFixture web = new WebFixture(vertx, false, 0);
        web.device.hangUp();
        Response down = await("/health unavailable").atMost(Duration.ofSeconds(20))
                .until(() -> web.call(GET, "/health", null, null), r -> r.status() == 503);
        assertEquals(new JsonObject().put("status", "unavailable").put("reason", "device d is closed")
                .put("notOpen", new JsonObject().put("d", "closed")), down.json(), "only ids and states");
        JsonObject device = new JsonArray(web.call(GET, "/api/devices", null, null).body()).getJsonObject(0);
        assertEquals("end of file", device.getString("closedReason"), "why stays in /api/devices");
    }

    @Test
    void aLoneSurrogateInAPayloadIs400AndWritesNothing(Vertx vertx) throws Exception {
        WebFixture web = new WebFixture(vertx, false, 0);
        assertError(web.call(POST, "/api/devices/d/trigger", JSON, "{\"payload\": \"a\\ud800b\"}"), 400,
                "payload must be Unicode text, not a lone UTF-16 surrogate (\\ud800 at character 1)");
        assertError(web.call(POST, "/api/devices/d/trigger", JSON, "{\"payload\": \"\\ude00\\ud83d\"}"), 400,
                "payload must be Unicode text, not a lone UTF-16 surrogate (\\ude00 at character 0)");
        assertEquals(0, web.device.stats().generated(), "no event made");
    }

    @Test
    void aSurrogatePairIsAPayloadOfFourBytes(Vertx vertx) throws Exception {
        WebFixture web = new WebFixture(vertx, false, 0);
        BlockingQueue<String> payloads = manualPayloads(vertx);
        Response r = web.call(POST, "/api/devices/d/trigger", JSON, "{\"payload\": \"\\ud83d\\ude00\"}");
        assertEquals(200, r.status(), r.body());
        assertEquals("\ud83d\ude00", payloads.poll(5, TimeUnit.SECONDS));
    }

    @Test
    void anUnknownApiPathIs404(Vertx vertx) throws Exception {
        WebFixture web = new WebFixture(vertx, false, 0);
        assertError(web.call(GET, "/api/nothing", null, null), 404, "no such resource: GET /api/nothing");
    }

    @Test
    void staticFilesAreRevalidatedAndApiAnswersNeverCached(Vertx vertx) throws Exception {
        WebFixture web = new WebFixture(vertx, false, 0);
        Response page = web.call(GET, "/index.html", null, null);
        assertEquals(200, page.status());
        assertTrue(page.contentType().startsWith("text/html"), page.contentType());
        assertEquals("no-cache", page.cacheControl());
        assertEquals("no-store", web.call(GET, "/api/config", null, null).cacheControl());
    }

    @Test
    void aForeignOriginIsRefused(Vertx vertx) throws Exception {
        WebFixture web = new WebFixture(vertx, false, 0);
        int status = web.client.request(new RequestOptions().setMethod(GET).setHost("127.0.0.1")
                        .setPort(web.http.port()).setURI("/api/devices").putHeader("Origin", "http://evil.example"))
                .compose(req -> req.send()).await().statusCode();
        assertEquals(403, status);
        int sameOrigin = web.client.request(new RequestOptions().setMethod(GET).setHost("127.0.0.1")
                        .setPort(web.http.port()).setURI("/api/devices")
                        .putHeader("Origin", "http://127.0.0.1:" + web.http.port()))
                .compose(req -> req.send()).await().statusCode();
        assertEquals(200, sameOrigin);
    }
}
