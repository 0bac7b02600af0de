// SPDX-License-Identifier: Apache-2.0
package io.mypoll.driver.evdev;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The names of input event types and codes ({@code EV_KEY}, {@code KEY_A}),
 * read once from the kernel's {@code input-event-codes.h}, which the build
 * copies into the jar from the system's headers: no name is typed by hand.
 * Where the header gives one number two names, the first marks the start of
 * a range ({@code BTN_MOUSE}) and the second is the code's own
 * ({@code BTN_LEFT}): the last one wins, as evtest shows them. Aliases
 * defined by name ({@code KEY_HANGUEL KEY_HANGEUL}) are left out.
 */
public final class InputCodes {
    private static final Pattern DEFINE = Pattern.compile("^#define\\s+([A-Z][A-Z0-9_]*)\\s+(0x[0-9a-fA-F]+|\\d+)\\b",
            Pattern.MULTILINE);
    /** The code prefixes of each event type. */
    private static final Map<String, String[]> PREFIXES = Map.of(
            "EV_SYN", new String[] {"SYN_"}, "EV_KEY", new String[] {"KEY_", "BTN_"},
            "EV_REL", new String[] {"REL_"}, "EV_ABS", new String[] {"ABS_"}, "EV_MSC", new String[] {"MSC_"},
            "EV_SW", new String[] {"SW_"}, "EV_LED", new String[] {"LED_"}, "EV_SND", new String[] {"SND_"},
            "EV_REP", new String[] {"REP_"});
    /** Read at first use, so that a jar without the header fails where names are asked for, saying why. */
    private static final class BuiltIn {
        static final InputCodes CODES = fromResource();
    }

    private final Map<Integer, String> types = new HashMap<>();
    private final Map<Long, String> codes = new HashMap<>();

    private InputCodes(String header) {
        Map<String, Integer> typeByName = new HashMap<>();
        Matcher m = DEFINE.matcher(header);
        while (m.find()) {
            String name = m.group(1);
            int value = Integer.decode(m.group(2));
            if (name.startsWith("EV_") && !name.equals("EV_MAX") && !name.equals("EV_CNT")) {
                types.putIfAbsent(value, name);
                typeByName.put(name, value);
            }
        }
        m.reset();
        while (m.find()) {
            String name = m.group(1);
            int value = Integer.decode(m.group(2));
            if (name.endsWith("_MAX") || name.endsWith("_CNT") || name.endsWith("_MIN_INTERESTING")) {
                continue;
            }
            PREFIXES.forEach((type, prefixes) -> {
                for (String prefix : prefixes) {
                    if (name.startsWith(prefix) && typeByName.containsKey(type)) {
                        codes.put(key(typeByName.get(type), value), name);
                    }
                }
            });
        }
    }

    /** The names of the header the jar holds. */
    public static InputCodes builtIn() {
        return BuiltIn.CODES;
    }

    /** The names of a header's text. */
    public static InputCodes parse(String header) {
        return new InputCodes(header);
    }

    /** {@code EV_KEY}, or the number in hex for a type the header does not name. */
    public String type(int type) {
        String name = types.get(type);
        return name != null ? name : String.format("EV_0x%02x", type);
    }

    /** {@code KEY_A}, or the type's prefix and the number in hex for a code the header does not name. */
    public String code(int type, int code) {
        String name = codes.get(key(type, code));
        if (name != null) {
            return name;
        }
        String typeName = type(type);
        return (typeName.startsWith("EV_") ? typeName.substring(3) : typeName) + "_0x" + Integer.toHexString(code);
    }

    private static long key(int type, int code) {
        return ((long) type << 32) | (code & 0xffffffffL);
    }

    private static InputCodes fromResource() {
        try (InputStream in = InputCodes.class.getResourceAsStream("input-event-codes.h")) {
            if (in == null) {
                throw new IllegalStateException("input-event-codes.h is not in the jar: the build copies it from "
                        + "the system's kernel headers (Debian's linux-libc-dev)");
            }
            return new InputCodes(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
