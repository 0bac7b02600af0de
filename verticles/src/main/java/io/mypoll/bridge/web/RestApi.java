// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.web;

import io.mypoll.bridge.logging.LogText;
import io.mypoll.bridge.cluster.DeviceDirectory;
import io.mypoll.bridge.config.BridgeConfig;
import io.mypoll.bridge.config.DeviceSettings;
import io.mypoll.bridge.contract.Addresses;
import io.mypoll.bridge.contract.HistoryRequest;
import io.mypoll.bridge.contract.TriggerRequest;
import io.mypoll.driver.mypoll.MypollAbi;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The REST API: a thin layer over the event-bus contract, so it behaves as
 * the bus does. Errors are JSON {"error": "..."} with a status code that says
 * which kind.
 */
final class RestApi {
    private static final long MAX_BODY_BYTES = 4096;
    private final Vertx vertx;
    private final BridgeConfig config;
    private final StatusCache status;

    RestApi(Vertx vertx, BridgeConfig config, StatusCache status) {
        this.vertx = vertx;
        this.config = config;
        this.status = status;
    }

    void mount(Router router) {
        router.route("/api/*").handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES));
        router.get("/api/config").handler(ctx -> json(ctx, 200, new JsonObject()
                .put("node", config.node())
                .put("allowControl", config.bridge().allowControl())
                .put("payloadMax", MypollAbi.PAYLOAD_MAX)));
        router.get("/api/devices").handler(ctx -> devices().onComplete(ar -> {
            if (ar.succeeded()) {
                json(ctx, 200, ar.result());
            } else {
                fail(ctx, ar.cause());
            }
        }));
        router.get("/api/status").handler(ctx -> json(ctx, 200, status.snapshot()));
        router.post("/api/devices/:id/trigger").handler(this::trigger);
        router.put("/api/devices/:id/period").handler(this::period);
        router.get("/api/devices/:id/events").handler(this::history);
        router.get("/health").handler(this::health);
        router.route("/api/*").last().handler(ctx -> error(ctx, 404, "no such resource: "
                + ctx.request().method() + " " + ctx.request().path()));
    }

    /**
     * Every device of the bus; none when no device verticle runs. Asked of this
     * node's directory: in a cluster a request could go to any node's, and one
     * that has just died would answer nothing until the request timed out.
     */
    Future<JsonArray> devices() {
        return vertx.eventBus().<JsonArray>request(Addresses.DEVICES, null, Addresses.LOCAL_ONLY)
                .map(m -> m.body())
                .recover(e -> e instanceof ReplyException r && r.failureType() == ReplyFailure.NO_HANDLERS
                        ? Future.succeededFuture(new JsonArray()) : Future.failedFuture(e));
    }

    private void trigger(RoutingContext ctx) {
        String text = utf8Body(ctx);
        if (text == null) {
            return;
        }
        JsonObject body;
        String mediaType = mediaType(ctx);
        if (mediaType.equals("text/plain")) {
            body = new JsonObject().put("payload", text);
        } else if (mediaType.isEmpty() || mediaType.equals("application/json")) {
            body = jsonBody(ctx, text, TriggerRequest.EXPECTED);
            if (body == null) {
                return;
            }
        } else {
            error(ctx, 415, "the body must be application/json " + TriggerRequest.EXPECTED
                    + " or text/plain (the payload), not " + LogText.printable(mediaType));
            return;
        }
        forward(ctx, Addresses.trigger(ctx.pathParam("id")), body);
    }

    private void period(RoutingContext ctx) {
        if (!config.bridge().allowControl()) {
            error(ctx, 403, "control is disabled; set bridge.allowControl to true to allow it");
            return;
        }
        String text = utf8Body(ctx);
        JsonObject body = text == null ? null : jsonBody(ctx, text, "{\"periodMs\": number}");
        if (body == null) {
            return;
        }
        // Only the period: this resource is not the way to make bursts.
        Object periodMs = body.getValue("periodMs");
        if (periodMs == null) {
            error(ctx, 400, "periodMs: missing, expected {\"periodMs\": number}");
            return;
        }
        forward(ctx, Addresses.control(ctx.pathParam("id")), new JsonObject().put("periodMs", periodMs));
    }

    /** The device's kept events, after {@code ?since=SEQ} when given, and its per-second counts. */
    private void history(RoutingContext ctx) {
        JsonObject body = new JsonObject();
        String since = ctx.request().getParam("since");
        if (since != null) {
            try {
                body.put("since", HistoryRequest.seq(since));
            } catch (ReplyException e) {
                error(ctx, 400, e.getMessage());
                return;
            }
        }
        forward(ctx, Addresses.history(ctx.pathParam("id")), body);
    }

    private void forward(RoutingContext ctx, String address, JsonObject body) {
        vertx.eventBus().<JsonObject>request(address, body).onComplete(ar -> {
            if (ar.succeeded()) {
                json(ctx, 200, ar.result().body());
            } else if (ar.cause() instanceof ReplyException r && r.failureType() == ReplyFailure.NO_HANDLERS) {
                error(ctx, 404, "unknown device '" + ctx.pathParam("id") + "'");
            } else {
                fail(ctx, ar.cause());
            }
        });
    }

    /**
     * This node's health: its own configured devices, not those of other nodes of a cluster. It needs no
     * token, so it says only which devices are not open and in what state; why (a path, an errno) is for
     * {@code /api/devices}, behind the token.
     */
    void health(RoutingContext ctx) {
        String self = new DeviceDirectory(vertx).selfId();
        devices().onComplete(ar -> {
            if (ar.failed()) {
                json(ctx, 503, new JsonObject().put("status", "unavailable")
                        .put("reason", "the device list did not answer"));
                return;
            }
            Map<String, Boolean> open = new LinkedHashMap<>();
            ar.result().stream().map(o -> (JsonObject) o).filter(d -> self.equals(d.getString("nodeId")))
                    .forEach(d -> open.put(d.getString("id"), d.getBoolean("open", false)));
            JsonObject notOpen = new JsonObject();
            open.forEach((id, isOpen) -> {
                if (!isOpen) {
                    notOpen.put(id, "closed");
                }
            });
            if (open.size() < config.devices().size()) {
                config.devices().stream().map(DeviceSettings::id).filter(id -> !open.containsKey(id))
                        .forEach(id -> notOpen.put(id, "starting"));
            }
            if (!notOpen.isEmpty()) {
                json(ctx, 503, new JsonObject().put("status", "unavailable")
                        .put("reason", notOpen.stream().map(e -> "device " + e.getKey() + " is " + e.getValue())
                                .collect(Collectors.joining("; ")))
                        .put("notOpen", notOpen));
                return;
            }
            json(ctx, 200, new JsonObject().put("status", "ok").put("devices", open.size()));
        });
    }

    /** The Content-Type's media type in lower case, without parameters; empty when there is none. */
    private static String mediaType(RoutingContext ctx) {
        String header = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
        if (header == null) {
            return "";
        }
        int semicolon = header.indexOf(';');
        return (semicolon < 0 ? header : header.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }

    /** The body as text; a 400 answer and null when it is not UTF-8, which nothing is allowed to repair. */
    private static String utf8Body(RoutingContext ctx) {
        byte[] bytes = ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            error(ctx, 400, "the body (" + bytes.length + " bytes) is not valid UTF-8");
            return null;
        }
    }

    private static JsonObject jsonBody(RoutingContext ctx, String text, String expected) {
        try {
            Object value = text.isBlank() ? null : Json.decodeValue(text);
            if (!(value instanceof JsonObject object)) {
                error(ctx, 400, "the body must be a JSON object " + expected);
                return null;
            }
            return object;
        } catch (DecodeException e) {
            error(ctx, 400, "the body is not JSON; expected " + expected);
            return null;
        }
    }

    private static void fail(RoutingContext ctx, Throwable e) {
        if (e instanceof ReplyException r) {
            int code = switch (r.failureType()) {
                case TIMEOUT -> 504;
                case RECIPIENT_FAILURE -> r.failureCode() >= 400 && r.failureCode() < 600 ? r.failureCode() : 500;
                default -> 503;
            };
            error(ctx, code, r.getMessage());
        } else {
            error(ctx, 500, String.valueOf(e.getMessage()));
        }
    }

    private static void error(RoutingContext ctx, int status, String message) {
        json(ctx, status, new JsonObject().put("error", message));
    }

    private static void json(RoutingContext ctx, int status, Object body) {
        String text = body instanceof JsonObject o ? o.encode() : ((JsonArray) body).encode();
        ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(text);
    }
}
