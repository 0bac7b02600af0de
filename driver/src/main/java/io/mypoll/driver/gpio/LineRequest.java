// SPDX-License-Identifier: Apache-2.0
package io.mypoll.driver.gpio;

import com.sun.jna.Memory;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@code struct gpio_v2_line_request} for lines with settings of their own:
 * the most common flags are the request's, every other set of flags and
 * every debounce period is an attribute with the mask of its lines, and the
 * outputs' first values one more; the kernel takes ten attributes at most.
 */
final class LineRequest {
    private LineRequest() {
    }

    static Memory build(List<GpioDevice.LineState> states, List<GpioLine> lines, int eventBufferSize,
                        String consumer) {
        Map<Long, Long> masksByFlags = new LinkedHashMap<>();
        Map<Integer, Long> masksByDebounce = new LinkedHashMap<>();
        long outputs = 0;
        long outputValues = 0;
        for (int i = 0; i < lines.size(); i++) {
            GpioLine line = lines.get(i);
            masksByFlags.merge(line.flags(), 1L << i, (a, b) -> a | b);
            if (line.debounceUs() > 0) {
                masksByDebounce.merge(line.debounceUs(), 1L << i, (a, b) -> a | b);
            }
            if (line.direction() == GpioLine.Direction.OUTPUT) {
                outputs |= 1L << i;
                outputValues |= line.value() ? 1L << i : 0;
            }
        }
        long common = masksByFlags.entrySet().stream()
                .max((a, b) -> Long.compare(Long.bitCount(a.getValue()), Long.bitCount(b.getValue())))
                .orElseThrow().getKey();
        int attrs = masksByFlags.size() - 1 + masksByDebounce.size() + (outputs != 0 ? 1 : 0);
        if (attrs > GpioAbi.NUM_ATTRS_MAX) {
            throw new IllegalArgumentException("the lines need " + attrs + " different settings; the kernel takes "
                    + GpioAbi.NUM_ATTRS_MAX + " in one request (make two devices)");
        }
        Memory request = new Memory(GpioAbi.REQUEST_SIZE);
        request.clear();
        for (int i = 0; i < states.size(); i++) {
            request.setInt(GpioAbi.REQUEST_OFFSETS + 4L * i, states.get(i).offset());
        }
        byte[] name = consumer.getBytes(StandardCharsets.UTF_8);
        request.write(GpioAbi.REQUEST_CONSUMER, name, 0, Math.min(name.length, GpioAbi.NAME_SIZE - 1));
        long config = GpioAbi.REQUEST_CONFIG;
        request.setLong(config + GpioAbi.CONFIG_FLAGS, common);
        int n = 0;
        for (Map.Entry<Long, Long> e : masksByFlags.entrySet()) {
            if (e.getKey() != common) {
                attribute(request, n++, GpioAbi.ATTR_ID_FLAGS, e.getKey(), e.getValue());
            }
        }
        for (Map.Entry<Integer, Long> e : masksByDebounce.entrySet()) {
            attribute(request, n++, GpioAbi.ATTR_ID_DEBOUNCE, e.getKey(), e.getValue());
        }
        if (outputs != 0) {
            attribute(request, n++, GpioAbi.ATTR_ID_OUTPUT_VALUES, outputValues, outputs);
        }
        request.setInt(config + GpioAbi.CONFIG_NUM_ATTRS, n);
        request.setInt(GpioAbi.REQUEST_NUM_LINES, states.size());
        request.setInt(GpioAbi.REQUEST_EVENT_BUFFER_SIZE, eventBufferSize);
        return request;
    }

    /** The attribute at {@code index}: its value is a u64 union read by its id; the debounce period is a u32 at its start. */
    private static void attribute(Memory request, int index, int id, long value, long mask) {
        long at = GpioAbi.REQUEST_CONFIG + GpioAbi.CONFIG_ATTRS + (long) GpioAbi.CONFIG_ATTR_SIZE * index;
        request.setInt(at + GpioAbi.ATTR_ID, id);
        if (id == GpioAbi.ATTR_ID_DEBOUNCE) {
            request.setInt(at + GpioAbi.ATTR_VALUE, (int) value);
        } else {
            request.setLong(at + GpioAbi.ATTR_VALUE, value);
        }
        request.setLong(at + GpioAbi.CONFIG_ATTR_MASK, mask);
    }
}
