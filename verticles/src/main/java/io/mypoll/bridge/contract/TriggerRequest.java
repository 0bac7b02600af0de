// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.contract;

import io.mypoll.driver.mypoll.MypollAbi;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * {@code mypoll.trigger.<device>}: {"payload": "text"}, 1 to 40 bytes of UTF-8, one MANUAL event. The text
 * must be Unicode: a lone UTF-16 surrogate has no UTF-8 form and is refused, not replaced.
 */
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
        int lone = loneSurrogate(text);
        if (lone >= 0) {
            // getBytes would write '?' in its place: the device would get a payload nobody sent.
            throw ReplyCodes.badRequest(String.format(Locale.ROOT, "payload must be Unicode text, not a lone "
                    + "UTF-16 surrogate (\\u%04x at character %d)", (int) text.charAt(lone), lone));
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

    /** The index of the first surrogate that is not half of a pair (JSON allows "\\ud800" alone), or -1. */
    private static int loneSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }
}
