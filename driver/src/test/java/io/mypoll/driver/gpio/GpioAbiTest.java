// SPDX-License-Identifier: Apache-2.0
package io.mypoll.driver.gpio;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mypoll.driver.HeaderProgram;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link GpioAbi} against {@code <linux/gpio.h>}: a C program compiled now prints what the header says. */
class GpioAbiTest {
    private static final String PROGRAM = """
            #include <stdio.h>
            #include <stddef.h>
            #include <linux/gpio.h>
            #define SHOW(key, val) printf("%s %lu\\n", key, (unsigned long)(val))
            int main(void)
            {
                SHOW("NAME_SIZE", GPIO_MAX_NAME_SIZE);
                SHOW("LINES_MAX", GPIO_V2_LINES_MAX);
                SHOW("NUM_ATTRS_MAX", GPIO_V2_LINE_NUM_ATTRS_MAX);
                SHOW("CHIPINFO_SIZE", sizeof(struct gpiochip_info));
                SHOW("CHIPINFO_NAME", offsetof(struct gpiochip_info, name));
                SHOW("CHIPINFO_LABEL", offsetof(struct gpiochip_info, label));
                SHOW("CHIPINFO_LINES", offsetof(struct gpiochip_info, lines));
                SHOW("ATTR_SIZE", sizeof(struct gpio_v2_line_attribute));
                SHOW("ATTR_ID", offsetof(struct gpio_v2_line_attribute, id));
                SHOW("ATTR_VALUE", offsetof(struct gpio_v2_line_attribute, flags));
                SHOW("CONFIG_ATTR_SIZE", sizeof(struct gpio_v2_line_config_attribute));
                SHOW("CONFIG_ATTR_MASK", offsetof(struct gpio_v2_line_config_attribute, mask));
                SHOW("LINEINFO_SIZE", sizeof(struct gpio_v2_line_info));
                SHOW("LINEINFO_NAME", offsetof(struct gpio_v2_line_info, name));
                SHOW("LINEINFO_CONSUMER", offsetof(struct gpio_v2_line_info, consumer));
                SHOW("LINEINFO_OFFSET", offsetof(struct gpio_v2_line_info, offset));
                SHOW("LINEINFO_FLAGS", offsetof(struct gpio_v2_line_info, flags));
                SHOW("REQUEST_SIZE", sizeof(struct gpio_v2_line_request));
                SHOW("REQUEST_OFFSETS", offsetof(struct gpio_v2_line_request, offsets));
                SHOW("REQUEST_CONSUMER", offsetof(struct gpio_v2_line_request, consumer));
                SHOW("REQUEST_CONFIG", offsetof(struct gpio_v2_line_request, config));
                SHOW("CONFIG_FLAGS", offsetof(struct gpio_v2_line_config, flags));
                SHOW("CONFIG_NUM_ATTRS", offsetof(struct gpio_v2_line_config, num_attrs));
                SHOW("CONFIG_ATTRS", offsetof(struct gpio_v2_line_config, attrs));
                SHOW("REQUEST_NUM_LINES", offsetof(struct gpio_v2_line_request, num_lines));
                SHOW("REQUEST_EVENT_BUFFER_SIZE", offsetof(struct gpio_v2_line_request, event_buffer_size));
                SHOW("REQUEST_FD", offsetof(struct gpio_v2_line_request, fd));
                SHOW("VALUES_SIZE", sizeof(struct gpio_v2_line_values));
                SHOW("VALUES_BITS", offsetof(struct gpio_v2_line_values, bits));
                SHOW("VALUES_MASK", offsetof(struct gpio_v2_line_values, mask));
                SHOW("EVENT_SIZE", sizeof(struct gpio_v2_line_event));
                SHOW("EVENT_TIMESTAMP_NS", offsetof(struct gpio_v2_line_event, timestamp_ns));
                SHOW("EVENT_ID", offsetof(struct gpio_v2_line_event, id));
                SHOW("EVENT_OFFSET", offsetof(struct gpio_v2_line_event, offset));
                SHOW("EVENT_SEQNO", offsetof(struct gpio_v2_line_event, seqno));
                SHOW("EVENT_LINE_SEQNO", offsetof(struct gpio_v2_line_event, line_seqno));
                SHOW("EVENT_RISING_EDGE", GPIO_V2_LINE_EVENT_RISING_EDGE);
                SHOW("EVENT_FALLING_EDGE", GPIO_V2_LINE_EVENT_FALLING_EDGE);
                SHOW("ATTR_ID_FLAGS", GPIO_V2_LINE_ATTR_ID_FLAGS);
                SHOW("ATTR_ID_OUTPUT_VALUES", GPIO_V2_LINE_ATTR_ID_OUTPUT_VALUES);
                SHOW("ATTR_ID_DEBOUNCE", GPIO_V2_LINE_ATTR_ID_DEBOUNCE);
                SHOW("FLAG_USED", GPIO_V2_LINE_FLAG_USED);
                SHOW("FLAG_ACTIVE_LOW", GPIO_V2_LINE_FLAG_ACTIVE_LOW);
                SHOW("FLAG_INPUT", GPIO_V2_LINE_FLAG_INPUT);
                SHOW("FLAG_OUTPUT", GPIO_V2_LINE_FLAG_OUTPUT);
                SHOW("FLAG_EDGE_RISING", GPIO_V2_LINE_FLAG_EDGE_RISING);
                SHOW("FLAG_EDGE_FALLING", GPIO_V2_LINE_FLAG_EDGE_FALLING);
                SHOW("FLAG_BIAS_PULL_UP", GPIO_V2_LINE_FLAG_BIAS_PULL_UP);
                SHOW("FLAG_BIAS_PULL_DOWN", GPIO_V2_LINE_FLAG_BIAS_PULL_DOWN);
                SHOW("FLAG_BIAS_DISABLED", GPIO_V2_LINE_FLAG_BIAS_DISABLED);
                /* ioctl numbers are 32-bit: print them as unsigned int values. */
                SHOW("GET_CHIPINFO_IOCTL", (unsigned int)GPIO_GET_CHIPINFO_IOCTL);
                SHOW("GET_LINEINFO_IOCTL", (unsigned int)GPIO_V2_GET_LINEINFO_IOCTL);
                SHOW("GET_LINE_IOCTL", (unsigned int)GPIO_V2_GET_LINE_IOCTL);
                SHOW("LINE_GET_VALUES_IOCTL", (unsigned int)GPIO_V2_LINE_GET_VALUES_IOCTL);
                SHOW("LINE_SET_VALUES_IOCTL", (unsigned int)GPIO_V2_LINE_SET_VALUES_IOCTL);
                return 0;
            }
            """;
    private static Map<String, Long> header;

    @BeforeAll
    static void compileAndRun() throws Exception {
        header = HeaderProgram.run("gpio-abi", PROGRAM);
    }

    static java.util.stream.Stream<String> constants() {
        return java.util.stream.Stream.of(PROGRAM.split("\n")).filter(l -> l.contains("SHOW(\""))
                .map(l -> l.substring(l.indexOf('"') + 1, l.indexOf('"', l.indexOf('"') + 1)));
    }

    /** Each constant of GpioAbi with the header's name equals the header's value. */
    @ParameterizedTest
    @MethodSource("constants")
    void theConstantEqualsTheHeader(String name) throws Exception {
        long java = ((Number) GpioAbi.class.getField(name).get(null)).longValue();
        // ioctl numbers: Java holds them as unsigned 32-bit values in a long.
        assertEquals(header.get(name), java & (name.endsWith("_IOCTL") ? 0xffffffffL : -1L), name);
    }
}
