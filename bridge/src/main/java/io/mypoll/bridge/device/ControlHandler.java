package io.mypoll.bridge;

import io.mypoll.driver.MypollAbi;
import io.vertx.core.Handler;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.io.IOException;

/**
 * {@code mypoll.control.<device>}: {"periodMs": n} sets the timer period (0 =
 * off), {"burst": n} makes n BURST events now; either or both. Replies with
 * the period that applies (and the burst made). Nothing is done unless the
 * whole request is valid.
 */
final class ControlHandler implements Handler<Message<Object>> {
    private static final String EXPECTED = "{\"periodMs\": number} or {\"burst\": count}";
    private final OpenDevice target;

    ControlHandler(OpenDevice target) {
        this.target = target;
    }

    @Override
    public void handle(Message<Object> message) {
        try {
            JsonObject request = RequestBody.json(message, EXPECTED);
            Double periodMs = null;
            Integer burst = null;
            try {
                if (request.getValue("periodMs") != null) {
                    periodMs = BridgeConfig.periodMs(request.getValue("periodMs"), "periodMs");
                }
                if (request.getValue("burst") != null) {
                    burst = burstCount(request.getValue("burst"));
                }
            } catch (ConfigException e) {
                throw RequestBody.badRequest(e.getMessage());
            }
            if (periodMs == null && burst == null) {
                throw RequestBody.badRequest("expected " + EXPECTED + ", not " + request.encode());
            }
            target.requireOpen();
            try {
                if (periodMs != null) {
                    target.device.setPeriodUs(DeviceOpener.periodUs(periodMs));
                }
                if (burst != null) {
                    target.device.burst(burst);
                }
                int appliedUs = target.device.periodUs();
                JsonObject reply = new JsonObject()
                        .put("device", target.id())
                        .put("periodMs", appliedUs / 1000.0)
                        .put("periodUs", appliedUs);
                if (burst != null) {
                    reply.put("burst", burst);
                }
                message.reply(reply);
            } catch (IOException e) {
                throw new ReplyException(ReplyFailure.RECIPIENT_FAILURE, RequestBody.UNAVAILABLE,
                        "device " + target.id() + " did not take the request: " + e.getMessage());
            }
        } catch (ReplyException e) {
            RequestBody.fail(message, e);
        }
    }

    private static int burstCount(Object value) {
        if (!(value instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())
                || n.doubleValue() < 1 || n.doubleValue() > MypollAbi.BURST_MAX) {
            throw new ConfigException("burst", "must be a whole number from 1 to " + MypollAbi.BURST_MAX + ", not "
                    + value);
        }
        return n.intValue();
    }
}
