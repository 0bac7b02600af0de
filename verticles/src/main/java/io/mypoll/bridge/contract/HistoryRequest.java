// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.contract;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;

/**
 * {@code mypoll.history.<device>}: {} for every kept event, or {"since": seq}
 * for those after that seq of the device's current opening.
 */
public final class HistoryRequest {
    public static final String EXPECTED = "{} or {\"since\": seq}";

    private HistoryRequest() {
    }

    /** The seq asked for, -1 for none; a 400 failure when it is not a whole number from 0. */
    public static long since(JsonObject request) {
        Object value = request.getValue("since");
        if (value == null) {
            return -1;
        }
        return seq(value);
    }

    /**
     * A seq as text (a URL's query) or a JSON number, from 0 to {@link Long#MAX_VALUE}; a 400 failure naming
     * {@code since} otherwise. Integers are read exactly: a double would round 999999999999999999 up to 1e18.
     */
    public static long seq(Object value) {
        if (value instanceof String text && text.matches("[0-9]+")) {
            try {
                return Long.parseLong(text);
            } catch (NumberFormatException e) {
                throw tooLarge(value);
            }
        }
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            long n = ((Number) value).longValue();
            if (n >= 0) {
                return n;
            }
        } else if (value instanceof BigInteger n) {
            if (n.signum() >= 0) {
                if (n.bitLength() < Long.SIZE) {
                    return n.longValue();
                }
                throw tooLarge(value);
            }
        } else if (value instanceof Number n) {
            double d = n.doubleValue();
            if (d >= 0 && d == Math.rint(d)) {
                if (d < 0x1p63) {
                    return (long) d;
                }
                throw tooLarge(value);
            }
        }
        throw ReplyCodes.badRequest("since: must be a whole number from 0 (an event's seq), not " + value);
    }

    private static ReplyException tooLarge(Object value) {
        return ReplyCodes.badRequest("since: must be at most " + Long.MAX_VALUE + " (an event's seq), not " + value);
    }
}
