package io.mypoll.bridge.web;

import io.mypoll.bridge.cluster.DeviceDirectory;
import io.mypoll.bridge.config.BridgeConfig;
import io.mypoll.bridge.contract.Addresses;
import io.mypoll.bridge.contract.TriggerRequest;
import io.mypoll.driver.mypoll.MypollAbi;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

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
        JsonObject body;
        String contentType = String.valueOf(ctx.request().getHeader(HttpHeaders.CONTENT_TYPE));
        if (contentType.startsWith("text/plain")) {
            body = new JsonObject().put("payload", ctx.body().asString());
        } else {
            body = jsonBody(ctx, TriggerRequest.EXPECTED);
            if (body == null) {
                return;
            }
        }
        forward(ctx, Addresses.trigger(ctx.pathParam("id")), body);
    }

    private void period(RoutingContext ctx) {
        if (!config.bridge().allowControl()) {
            error(ctx, 403, "control is disabled; set bridge.allowControl to true to allow it");
            return;
        }
        JsonObject body = jsonBody(ctx, "{\"periodMs\": number}");
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

    /** This node's health: its own configured devices, not those of other nodes of a cluster. */
    private void health(RoutingContext ctx) {
        String self = new DeviceDirectory(vertx).selfId();
        devices().onComplete(ar -> {
            if (ar.failed()) {
                json(ctx, 503, new JsonObject().put("status", "unavailable").put("reason", ar.cause().getMessage()));
                return;
            }
            JsonArray devices = new JsonArray(ar.result().stream()
                    .filter(o -> self.equals(((JsonObject) o).getString("nodeId"))).toList());
            for (int i = 0; i < devices.size(); i++) {
                JsonObject d = devices.getJsonObject(i);
                if (!d.getBoolean("open", false)) {
                    json(ctx, 503, new JsonObject().put("status", "unavailable").put("reason",
                            "device " + d.getString("id") + " is closed: " + d.getString("closedReason")));
                    return;
                }
            }
            int configured = config.devices().size();
            if (devices.size() < configured) {
                json(ctx, 503, new JsonObject().put("status", "unavailable").put("reason",
                        devices.size() + " of " + configured + " configured devices are open"));
                return;
            }
            json(ctx, 200, new JsonObject().put("status", "ok").put("devices", devices.size()));
        });
    }

    private static JsonObject jsonBody(RoutingContext ctx, String expected) {
        try {
            Object value = ctx.body().asJsonObject();
            if (value == null) {
                error(ctx, 400, "the body must be JSON " + expected);
                return null;
            }
            return (JsonObject) value;
        } catch (DecodeException | ClassCastException e) {
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
