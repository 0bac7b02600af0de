package io.mypoll.bridge;

import io.mypoll.driver.MypollAbi;
import io.vertx.core.Handler;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * {@code mypoll.trigger.<device>}: {"payload": "text"} writes the text to the
 * device, which makes one MANUAL event. Nothing is written unless the whole
 * request is valid.
 */
final class TriggerHandler implements Handler<Message<Object>> {
    private static final String EXPECTED = "{\"payload\": \"text\"}";
    private final OpenDevice target;

    TriggerHandler(OpenDevice target) {
        this.target = target;
    }

    @Override
    public void handle(Message<Object> message) {
        try {
            byte[] payload = payload(RequestBody.json(message, EXPECTED));
            target.requireOpen();
            try {
                target.device.trigger(payload);
            } catch (IOException e) {
                throw new ReplyException(ReplyFailure.RECIPIENT_FAILURE, RequestBody.UNAVAILABLE,
                        "device " + target.id() + " did not take the trigger: " + e.getMessage());
            }
            message.reply(new JsonObject().put("device", target.id()).put("accepted", true));
        } catch (ReplyException e) {
            RequestBody.fail(message, e);
        }
    }

    static byte[] payload(JsonObject request) {
        Object value = request.getValue("payload");
        if (!(value instanceof String text)) {
            throw RequestBody.badRequest("payload must be a string, as in " + EXPECTED + ", not "
                    + (value == null ? "missing" : value));
        }
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length == 0) {
            throw RequestBody.badRequest("payload must not be empty");
        }
        if (bytes.length > MypollAbi.PAYLOAD_MAX) {
            throw RequestBody.badRequest("payload is " + bytes.length + " bytes of UTF-8; the limit is "
                    + MypollAbi.PAYLOAD_MAX);
        }
        return bytes;
    }
}
