// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.device;

import io.mypoll.bridge.contract.ReplyCodes;
import io.mypoll.bridge.contract.RequestBody;
import io.mypoll.bridge.contract.TriggerRequest;
import io.mypoll.driver.mypoll.MypollControl;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.io.IOException;

/** {@code mypoll.trigger.<device>}: writes the payload to the device, which makes one MANUAL event. */
final class TriggerHandler extends DeviceRequestHandler {
    TriggerHandler(ServedDevice target) {
        super(target);
    }

    @Override
    JsonObject answer(Message<Object> request) {
        byte[] payload = TriggerRequest.payload(RequestBody.json(request, TriggerRequest.EXPECTED));
        MypollControl control = target.control("triggers");
        target.requireOpen();
        try {
            control.trigger(payload);
        } catch (IOException e) {
            throw ReplyCodes.unavailable("device " + target.id() + " did not take the trigger: " + e.getMessage());
        }
        return new JsonObject().put("device", target.id()).put("accepted", true);
    }
}
