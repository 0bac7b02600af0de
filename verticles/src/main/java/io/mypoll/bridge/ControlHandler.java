package io.mypoll.bridge;

import io.vertx.core.Handler;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.io.IOException;

/** {@code mypoll.control.<device>}: {"periodMs": n} sets the timer period (0 = off) and replies with what applies. */
final class ControlHandler implements Handler<Message<Object>> {
    private static final String EXPECTED = "{\"periodMs\": number}";
    private final OpenDevice target;

    ControlHandler(OpenDevice target) {
        this.target = target;
    }

    @Override
    public void handle(Message<Object> message) {
        try {
            JsonObject request = RequestBody.json(message, EXPECTED);
            double periodMs;
            try {
                periodMs = BridgeConfig.periodMs(request.getValue("periodMs"), "periodMs");
            } catch (ConfigException e) {
                throw RequestBody.badRequest(e.getMessage());
            }
            target.requireOpen();
            try {
                target.device.setPeriodUs(DeviceOpener.periodUs(periodMs));
                int appliedUs = target.device.periodUs();
                message.reply(new JsonObject()
                        .put("device", target.id())
                        .put("periodMs", appliedUs / 1000.0)
                        .put("periodUs", appliedUs));
            } catch (IOException e) {
                throw new ReplyException(ReplyFailure.RECIPIENT_FAILURE, RequestBody.UNAVAILABLE,
                        "device " + target.id() + " did not take the period: " + e.getMessage());
            }
        } catch (ReplyException e) {
            RequestBody.fail(message, e);
        }
    }
}
