package io.mypoll.bridge.contract;

import io.vertx.core.json.JsonObject;

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

    /** A seq as text (a URL's query) or a JSON number; a 400 failure naming {@code since} otherwise. */
    public static long seq(Object value) {
        if (value instanceof String text && text.matches("[0-9]{1,18}")) {
            return Long.parseLong(text);
        }
        if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()) && n.doubleValue() >= 0
                && n.doubleValue() < 1e18) {
            return n.longValue();
        }
        throw ReplyCodes.badRequest("since: must be a whole number from 0 (an event's seq), not " + value);
    }
}
