// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.device;

import io.mypoll.bridge.contract.ControlRequest;
import io.mypoll.bridge.contract.PeriodMs;
import io.mypoll.bridge.contract.ReplyCodes;
import io.mypoll.bridge.contract.RequestBody;
import io.mypoll.driver.mypoll.MypollControl;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.io.IOException;

/**
 * {@code mypoll.control.<device>}: sets the timer period, makes a burst, or
 * both. Replies with the period that applies (and the burst made).
 */
final class ControlHandler extends DeviceRequestHandler {
    ControlHandler(ServedDevice target) {
        super(target);
    }

    @Override
    JsonObject answer(Message<Object> message) {
        ControlRequest request = ControlRequest.parse(RequestBody.json(message, ControlRequest.EXPECTED));
        MypollControl control = target.control("control requests");
        target.requireOpen();
        try {
            if (request.periodMs() != null) {
                control.setPeriodUs(PeriodMs.toMicros(request.periodMs()));
            }
            if (request.burst() != null) {
                control.burst(request.burst());
            }
            int appliedUs = control.periodUs();
            JsonObject reply = new JsonObject()
                    .put("device", target.id())
                    .put("periodMs", appliedUs / 1000.0)
                    .put("periodUs", appliedUs);
            if (request.burst() != null) {
                reply.put("burst", request.burst());
            }
            return reply;
        } catch (IOException e) {
            throw ReplyCodes.unavailable("device " + target.id() + " did not take the request: " + e.getMessage());
        }
    }
}
