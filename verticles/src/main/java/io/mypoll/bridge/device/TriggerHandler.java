// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.device;

import io.mypoll.bridge.config.GpioSettings;
import io.mypoll.bridge.contract.GpioTriggerRequest;
import io.mypoll.bridge.contract.ReplyCodes;
import io.mypoll.bridge.contract.RequestBody;
import io.mypoll.bridge.contract.TriggerRequest;
import io.mypoll.driver.gpio.GpioDevice;
import io.mypoll.driver.mypoll.MypollControl;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.stream.Collectors;

/**
 * {@code mypoll.trigger.<device>}: writes the payload to a mypoll device, which makes one MANUAL event, or
 * sets an output line of a GPIO device where control is allowed.
 */
final class TriggerHandler extends DeviceRequestHandler {
    /** bridge.allowControl: GPIO outputs may be set on every GPIO device. */
    private final boolean allowControl;

    TriggerHandler(ServedDevice target, boolean allowControl) {
        super(target);
        this.allowControl = allowControl;
    }

    @Override
    JsonObject answer(Message<Object> request) {
        if (target.config instanceof GpioSettings gpio) {
            return setOutput(gpio, request);
        }
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

    /** A switched relay is not a browser's by default: allowed by bridge.allowControl or the device's own key. */
    private JsonObject setOutput(GpioSettings gpio, Message<Object> request) {
        if (!allowControl && !gpio.allowTriggers()) {
            throw ReplyCodes.forbidden("setting the outputs of device " + target.id() + " is disabled; set "
                    + "bridge.allowControl, or the device's allowTriggers, to true to allow it");
        }
        GpioTriggerRequest set = GpioTriggerRequest.parse(RequestBody.json(request, GpioTriggerRequest.EXPECTED));
        target.requireOpen();
        GpioDevice device = (GpioDevice) target.device;
        GpioDevice.LineState line = device.line(set.line());
        if (line == null) {
            throw ReplyCodes.badRequest("device " + target.id() + " has no line '" + set.line() + "' (its lines: "
                    + device.lines().stream().map(GpioDevice.LineState::label).collect(Collectors.joining(", "))
                    + ")");
        }
        try {
            device.setValue(line.offset(), set.value());
        } catch (IllegalArgumentException e) {
            throw ReplyCodes.badRequest(e.getMessage());
        } catch (IOException e) {
            throw ReplyCodes.unavailable("device " + target.id() + " did not set line " + line.label() + ": "
                    + e.getMessage());
        }
        return new JsonObject().put("device", target.id()).put("accepted", true).put("line", line.label())
                .put("value", set.value() ? 1 : 0);
    }
}
