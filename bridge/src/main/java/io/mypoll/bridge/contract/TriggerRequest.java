package io.mypoll.bridge.contract;

import io.mypoll.driver.mypoll.MypollAbi;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;

/** {@code mypoll.trigger.<device>}: {"payload": "text"}, 1 to 40 bytes of UTF-8, one MANUAL event. */
public final class TriggerRequest {
    public static final String EXPECTED = "{\"payload\": \"text\"}";

    private TriggerRequest() {
    }

    /** The payload's bytes, or a 400 failure that says what is wrong. */
    public static byte[] payload(JsonObject request) {
        Object value = request.getValue("payload");
        if (!(value instanceof String text)) {
            throw ReplyCodes.badRequest("payload must be a string, as in " + EXPECTED + ", not "
                    + (value == null ? "missing" : value));
        }
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length == 0) {
            throw ReplyCodes.badRequest("payload must not be empty");
        }
        if (bytes.length > MypollAbi.PAYLOAD_MAX) {
            throw ReplyCodes.badRequest("payload is " + bytes.length + " bytes of UTF-8; the limit is "
                    + MypollAbi.PAYLOAD_MAX);
        }
        return bytes;
    }
}
