// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.contract;

import io.mypoll.driver.mypoll.MypollAbi;
import io.vertx.core.json.JsonObject;

/**
 * {@code mypoll.control.<device>}: {"periodMs": n} sets the timer (0 = off),
 * {"burst": n} makes n BURST events now; either or both.
 *
 * @param periodMs null when the request does not set the period
 * @param burst    null when the request makes no burst
 */
public record ControlRequest(Double periodMs, Integer burst) {
    public static final String EXPECTED = "{\"periodMs\": number} or {\"burst\": count}";

    /** The request, or a 400 failure that says what is wrong with it. */
    public static ControlRequest parse(JsonObject request) {
        Double periodMs = null;
        Integer burst = null;
        if (request.getValue("periodMs") != null) {
            try {
                periodMs = PeriodMs.parse(request.getValue("periodMs"));
            } catch (IllegalArgumentException e) {
                throw ReplyCodes.badRequest("periodMs: " + e.getMessage());
            }
        }
        if (request.getValue("burst") != null) {
            burst = burstCount(request.getValue("burst"));
        }
        if (periodMs == null && burst == null) {
            throw ReplyCodes.badRequest("expected " + EXPECTED + ", not " + request.encode());
        }
        return new ControlRequest(periodMs, burst);
    }

    private static int burstCount(Object value) {
        if (!(value instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())
                || n.doubleValue() < 1 || n.doubleValue() > MypollAbi.BURST_MAX) {
            throw ReplyCodes.badRequest("burst: must be a whole number from 1 to " + MypollAbi.BURST_MAX + ", not "
                    + value);
        }
        return n.intValue();
    }
}
