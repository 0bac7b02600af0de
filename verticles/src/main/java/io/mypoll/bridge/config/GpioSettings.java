// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.config;

import io.mypoll.driver.gpio.GpioAbi;
import io.mypoll.driver.gpio.GpioLine;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A device of type {@code gpio}: lines of one GPIO chip through the kernel's GPIO character device, in one
 * line request.
 *
 * @param chip            the chip's node ({@code /dev/gpiochip0}) or its label ({@code pinctrl-bcm2711})
 * @param lines           the lines, each given by name or offset with its own settings
 * @param eventBufferSize the kernel's buffer of edges for the request; 0 for the kernel's (16 per line)
 * @param allowTriggers   output lines may be set even with {@code bridge.allowControl} off
 */
public record GpioSettings(String id, String chip, List<GpioLine> lines, int eventBufferSize, boolean allowTriggers,
                           boolean waitForDevice) implements RealDeviceSettings {
    public static final String TYPE = "gpio";
    public static final int DEFAULT_EVENT_BUFFER_SIZE = 0;
    /** Outputs are set only where control is allowed: a relay is not a browser's to switch by default. */
    public static final boolean DEFAULT_ALLOW_TRIGGERS = false;
    /** The kernel's limit on a request's buffer (GPIO_V2_LINES_MAX * 16). */
    public static final int MAX_EVENT_BUFFER_SIZE = GpioAbi.LINES_MAX * 16;
    /** The longest debounce period taken: the kernel's field is microseconds in 32 bits; a second is plenty. */
    public static final double MAX_DEBOUNCE_MS = 1000;

    @Override
    public String type() {
        return TYPE;
    }

    /** The chip's node when given by path; null when given by label (the node is found at open). */
    @Override
    public String path() {
        return chip.startsWith("/") ? chip : null;
    }

    /** Its keys besides id and type, each with its default; null: none (chip and lines are required). */
    static JsonObject keys() {
        return new JsonObject().putNull("chip").putNull("lines").put("eventBufferSize", DEFAULT_EVENT_BUFFER_SIZE)
                .put("allowTriggers", DEFAULT_ALLOW_TRIGGERS).put("waitForDevice", DEFAULT_WAIT_FOR_DEVICE);
    }

    /** The keys of one entry of {@code lines}, each with its default; null: none or depends (see the docs). */
    static JsonObject lineKeys() {
        return new JsonObject().putNull("line").put("direction", "input").putNull("edges").put("bias", "as-is")
                .put("activeLow", false).put("debounceMs", 0).putNull("value");
    }

    static GpioSettings from(String id, Section entry) {
        DeviceList.requireKeys(entry, TYPE, keys());
        String chip = entry.text("chip", null);
        if (chip == null) {
            throw new ConfigException(entry.key("chip"), "a device of type gpio needs its chip: a node such as "
                    + "/dev/gpiochip0, or the chip's label as gpiodetect shows it");
        }
        Object value = entry.value("lines");
        if (!(value instanceof JsonArray array) || array.isEmpty() || array.size() > GpioAbi.LINES_MAX) {
            throw new ConfigException(entry.key("lines"), "must be a list of 1 to " + GpioAbi.LINES_MAX
                    + " lines such as [{\"line\": \"GPIO17\"}], not " + value);
        }
        List<GpioLine> lines = new ArrayList<>();
        List<String> given = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            String key = entry.key("lines") + "[" + i + "]";
            Object item = array.getValue(i);
            // A bare name or offset is an input with both edges: a button.
            JsonObject json = item instanceof JsonObject o ? o : new JsonObject().put("line", item);
            GpioLine line = line(new Section(json, key + "."));
            if (given.contains(line.label())) {
                throw new ConfigException(key + ".line", "line " + line.label() + " is given twice");
            }
            given.add(line.label());
            lines.add(line);
        }
        return new GpioSettings(id, chip, List.copyOf(lines),
                (int) entry.number("eventBufferSize", DEFAULT_EVENT_BUFFER_SIZE, 0, MAX_EVENT_BUFFER_SIZE),
                entry.flag("allowTriggers", DEFAULT_ALLOW_TRIGGERS),
                entry.flag("waitForDevice", DEFAULT_WAIT_FOR_DEVICE));
    }

    private static GpioLine line(Section line) {
        for (String name : line.names()) {
            if (!lineKeys().containsKey(name)) {
                throw new ConfigException(line.key(name), "unknown key for a GPIO line (known here: "
                        + String.join(", ", new java.util.TreeSet<>(lineKeys().fieldNames())) + ")");
            }
        }
        Object ref = line.value("line");
        String name = null;
        int offset = -1;
        if (ref instanceof String text && !text.isBlank()) {
            name = text;
        } else if (ref instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()) && n.intValue() >= 0
                && n.doubleValue() < 65536) {
            offset = n.intValue();
        } else {
            throw new ConfigException(line.key("line"), "must be the line's name (as gpioinfo shows it) or its "
                    + "offset on the chip, not " + ref);
        }
        GpioLine.Direction direction = choice(line, "direction", "input", GpioLine.Direction.class);
        boolean output = direction == GpioLine.Direction.OUTPUT;
        if (output && line.value("edges") != null) {
            throw new ConfigException(line.key("edges"), "an output line has no edges (only inputs make events)");
        }
        if (output && line.value("debounceMs") != null) {
            throw new ConfigException(line.key("debounceMs"), "an output line has no debounce period");
        }
        if (!output && line.value("value") != null) {
            throw new ConfigException(line.key("value"), "only an output line takes a first value");
        }
        GpioLine.Edges edges = choice(line, "edges", output ? "none" : "both", GpioLine.Edges.class);
        GpioLine.Bias bias = choice(line, "bias", "as-is", GpioLine.Bias.class);
        double debounceMs = 0;
        if (line.value("debounceMs") != null) {
            if (!(line.value("debounceMs") instanceof Number n) || n.doubleValue() < 0
                    || n.doubleValue() > MAX_DEBOUNCE_MS) {
                throw new ConfigException(line.key("debounceMs"), "must be a number of ms from 0 to "
                        + (int) MAX_DEBOUNCE_MS + ", not " + line.value("debounceMs"));
            }
            debounceMs = n.doubleValue();
        }
        boolean first = line.number("value", 0, 0, 1) == 1;
        return new GpioLine(name, offset, direction, edges, bias, line.flag("activeLow", false),
                (int) Math.round(debounceMs * 1000), first);
    }

    /** One of an enum's names, written in lower case with '-' ("pull-up" is PULL_UP). */
    private static <E extends Enum<E>> E choice(Section line, String key, String fallback, Class<E> type) {
        String text = line.text(key, fallback);
        for (E e : type.getEnumConstants()) {
            if (word(e).equals(text)) {
                return e;
            }
        }
        List<String> words = java.util.Arrays.stream(type.getEnumConstants()).map(GpioSettings::word).toList();
        throw new ConfigException(line.key(key), "must be one of " + String.join(", ", words) + ", not " + text);
    }

    static String word(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
