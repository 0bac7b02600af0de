// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.contract;

import io.vertx.core.json.JsonObject;

/**
 * {@code mypoll.trigger.<device>} for a GPIO device: {"line": "led", "value": 1} sets an output line, given by
 * name or offset, to 1 or 0 (true or false), logical as configured (with activeLow, 1 drives the pin low).
 *
 * @param line the line's name, or its offset as text
 */
public record GpioTriggerRequest(String line, boolean value) {
    public static final String EXPECTED = "{\"line\": \"name\" or offset, \"value\": 0 or 1}";

    /** The request, or a 400 failure that says what is wrong with it. */
    public static GpioTriggerRequest parse(JsonObject request) {
        Object line = request.getValue("line");
        String ref;
        if (line instanceof String text && !text.isBlank()) {
            ref = text;
        } else if (line instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()) && n.doubleValue() >= 0
                && n.doubleValue() < 65536) {
            ref = Integer.toString(n.intValue());
        } else {
            throw ReplyCodes.badRequest("line must be the line's name or offset, as in " + EXPECTED + ", not "
                    + (line == null ? "missing" : line));
        }
        Object value = request.getValue("value");
        boolean on;
        if (value instanceof Boolean b) {
            on = b;
        } else if (value instanceof Number n && (n.doubleValue() == 0 || n.doubleValue() == 1)) {
            on = n.doubleValue() == 1;
        } else {
            throw ReplyCodes.badRequest("value must be 0 or 1 (or false or true), as in " + EXPECTED + ", not "
                    + (value == null ? "missing" : value));
        }
        for (String key : request.fieldNames()) {
            if (!key.equals("line") && !key.equals("value")) {
                throw ReplyCodes.badRequest("unknown key '" + key + "'; expected " + EXPECTED);
            }
        }
        return new GpioTriggerRequest(ref, on);
    }
}
