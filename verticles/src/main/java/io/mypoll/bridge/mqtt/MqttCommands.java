// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.mqtt;

import io.mypoll.bridge.contract.Addresses;
import io.mypoll.bridge.contract.ReplyCodes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * A request on {@code <prefix>/<node>/<device>/command}, {"id": "...", "trigger": {...}} or
 * {"id": "...", "control": {...}}, turned into the device's own bus request ({@code mypoll.trigger.<device>},
 * {@code mypoll.control.<device>}), so that it is checked exactly as REST and the bus check it, and its answer
 * into the body of the reply topic: {"id", "ok": true, "code": 200, "result": {...}} or
 * {"id", "ok": false, "code": 4xx|5xx, "message": "..."}. A request the bridge refuses writes nothing.
 * Used on the publisher's event loop only.
 */
final class MqttCommands {
    /** A command is under 200 bytes; anything near this is not one. */
    static final int MAX_BYTES = 4096;
    /** The longest id echoed back. */
    static final int MAX_ID_CHARS = 128;
    /** Commands waiting for their device at once; more are answered 429 at once. */
    static final int MAX_WAITING = 64;
    static final int TOO_MANY = 429;
    static final int GATEWAY_TIMEOUT = 504;
    static final String EXPECTED = "{\"id\": \"...\", \"trigger\": {...}} or {\"id\": \"...\", \"control\": {...}}";

    private final Vertx vertx;
    private final Set<String> devices;
    private final boolean allowControl;
    private final DeliveryOptions delivery;
    private int waiting;

    /**
     * @param devices      this node's device ids: a command names one of them, never another node's
     * @param allowControl bridge.allowControl, as REST and the SockJS bridge take it
     */
    MqttCommands(Vertx vertx, Set<String> devices, boolean allowControl, long timeoutMs) {
        this.vertx = vertx;
        this.devices = devices;
        this.allowControl = allowControl;
        this.delivery = new DeliveryOptions(Addresses.LOCAL_ONLY).setSendTimeout(timeoutMs);
    }

    /** The reply's body, for a command to {@code device} with this payload; never fails. */
    Future<JsonObject> handle(String device, Buffer payload) {
        JsonObject command;
        try {
            command = parse(payload);
        } catch (Refused e) {
            return Future.succeededFuture(failure(e.id, e.code, e.getMessage()));
        }
        String id = command.getString("id");
        boolean trigger = command.containsKey("trigger");
        if (!devices.contains(device)) {
            return Future.succeededFuture(failure(id, ReplyCodes.NOT_FOUND, "unknown device '" + device + "'"));
        }
        if (!trigger && !allowControl) {
            return Future.succeededFuture(failure(id, ReplyCodes.FORBIDDEN,
                    "control is disabled; set bridge.allowControl to true to allow it"));
        }
        if (waiting >= MAX_WAITING) {
            return Future.succeededFuture(failure(id, TOO_MANY, waiting + " commands are waiting for their "
                    + "device; wait for an answer"));
        }
        waiting++;
        String address = trigger ? Addresses.trigger(device) : Addresses.control(device);
        JsonObject body = command.getJsonObject(trigger ? "trigger" : "control");
        return vertx.eventBus().<JsonObject>request(address, body, delivery).transform(ar -> {
            waiting--;
            if (ar.succeeded()) {
                return Future.succeededFuture(new JsonObject().put("id", id).put("ok", true).put("code", 200)
                        .put("result", ar.result().body()));
            }
            if (ar.cause() instanceof ReplyException r) {
                int code = switch (r.failureType()) {
                    case TIMEOUT -> GATEWAY_TIMEOUT;
                    case RECIPIENT_FAILURE -> r.failureCode() >= 400 && r.failureCode() < 600 ? r.failureCode() : 500;
                    default -> ReplyCodes.UNAVAILABLE;
                };
                String message = r.failureType() == ReplyFailure.NO_HANDLERS
                        ? "device " + device + " is not served yet" : r.getMessage();
                return Future.succeededFuture(failure(id, code, message));
            }
            return Future.succeededFuture(failure(id, 500, String.valueOf(ar.cause().getMessage())));
        });
    }

    /** The command's JSON, checked for its shape; the request inside is the device's to check. */
    static JsonObject parse(Buffer payload) {
        if (payload.length() > MAX_BYTES) {
            throw new Refused(null, "the command is " + payload.length() + " bytes; the limit is " + MAX_BYTES);
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(payload.getBytes())).toString();
        } catch (CharacterCodingException e) {
            throw new Refused(null, "the command (" + payload.length() + " bytes) is not valid UTF-8");
        }
        Object value;
        try {
            value = text.isBlank() ? null : Json.decodeValue(text);
        } catch (DecodeException e) {
            throw new Refused(null, "the command is not JSON; expected " + EXPECTED);
        }
        if (!(value instanceof JsonObject command)) {
            throw new Refused(null, "the command must be a JSON object " + EXPECTED);
        }
        Object idValue = command.getValue("id");
        if (!(idValue instanceof String id) || id.isEmpty() || id.length() > MAX_ID_CHARS) {
            throw new Refused(null, "id must be a string of 1 to " + MAX_ID_CHARS + " characters, as in "
                    + EXPECTED + ", not " + (idValue == null ? "missing" : idValue));
        }
        for (String key : command.fieldNames()) {
            if (!key.equals("id") && !key.equals("trigger") && !key.equals("control")) {
                throw new Refused(id, "unknown key '" + key + "'; expected " + EXPECTED);
            }
        }
        boolean trigger = command.getValue("trigger") instanceof JsonObject;
        boolean control = command.getValue("control") instanceof JsonObject;
        if (trigger == control || command.size() != 2) {
            throw new Refused(id, "exactly one of trigger and control must be given, as an object: " + EXPECTED);
        }
        return command;
    }

    /** A command refused before it reached a device: 400, with its id when it had a usable one. */
    static final class Refused extends RuntimeException {
        final String id;
        final int code = ReplyCodes.BAD_REQUEST;

        Refused(String id, String message) {
            super(message, null, false, false);
            this.id = id;
        }
    }

    static JsonObject failure(String id, int code, String message) {
        return new JsonObject().put("id", id).put("ok", false).put("code", code).put("message", message);
    }
}
