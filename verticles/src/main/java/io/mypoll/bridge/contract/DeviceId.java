// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.contract;

import java.util.regex.Pattern;

/**
 * What a device id may be. Ids become event-bus addresses ({@code mypoll.trigger.<id>}) and URL parts
 * ({@code /api/devices/<id>}): the configuration takes only these, and the SockJS bridge lets only these through.
 */
public final class DeviceId {
    private DeviceId() {
    }

    /** 1 to 64 letters, digits, '-' or '_', the first a letter or digit. */
    public static final String REGEX = "[A-Za-z0-9][A-Za-z0-9_-]{0,63}";
    private static final Pattern PATTERN = Pattern.compile(REGEX);

    public static boolean valid(String id) {
        return id != null && PATTERN.matcher(id).matches();
    }

    /** The addresses {@code prefix<id>} of every valid id, as a pattern. */
    public static Pattern addresses(String prefix) {
        return Pattern.compile(Pattern.quote(prefix) + REGEX);
    }
}
