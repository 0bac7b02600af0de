// SPDX-License-Identifier: Apache-2.0
package io.mypoll.driver.gpio;

import io.mypoll.driver.linux.IoctlNumbers;

/**
 * The GPIO character device's uAPI v2 ({@code <linux/gpio.h>}): the layouts
 * and numbers the reader uses, checked against the header by a compiled C
 * program in the tests. Every 64-bit field is {@code __aligned_u64}, so the
 * layouts are the same on x86_64 and arm64.
 */
public final class GpioAbi {
    public static final int NAME_SIZE = 32;
    public static final int LINES_MAX = 64;
    public static final int NUM_ATTRS_MAX = 10;

    /** {@code struct gpiochip_info}: name, label, lines. */
    public static final int CHIPINFO_SIZE = 68;
    public static final int CHIPINFO_NAME = 0;
    public static final int CHIPINFO_LABEL = 32;
    public static final int CHIPINFO_LINES = 64;

    /** {@code struct gpio_v2_line_attribute}: id, padding, then a u64 union (flags, values, debounce). */
    public static final int ATTR_SIZE = 16;
    public static final int ATTR_ID = 0;
    public static final int ATTR_VALUE = 8;
    /** {@code struct gpio_v2_line_config_attribute}: an attribute, then the mask of lines it applies to. */
    public static final int CONFIG_ATTR_SIZE = 24;
    public static final int CONFIG_ATTR_MASK = 16;

    /** {@code struct gpio_v2_line_info}. */
    public static final int LINEINFO_SIZE = 256;
    public static final int LINEINFO_NAME = 0;
    public static final int LINEINFO_CONSUMER = 32;
    public static final int LINEINFO_OFFSET = 64;
    public static final int LINEINFO_FLAGS = 72;

    /** {@code struct gpio_v2_line_request}, with its {@code struct gpio_v2_line_config} inside. */
    public static final int REQUEST_SIZE = 592;
    public static final int REQUEST_OFFSETS = 0;
    public static final int REQUEST_CONSUMER = 256;
    public static final int REQUEST_CONFIG = 288;
    public static final int CONFIG_FLAGS = 0;
    public static final int CONFIG_NUM_ATTRS = 8;
    public static final int CONFIG_ATTRS = 32;
    public static final int REQUEST_NUM_LINES = 560;
    public static final int REQUEST_EVENT_BUFFER_SIZE = 564;
    public static final int REQUEST_FD = 588;

    /** {@code struct gpio_v2_line_values}: bits and mask, one bit per line of the request, in request order. */
    public static final int VALUES_SIZE = 16;
    public static final int VALUES_BITS = 0;
    public static final int VALUES_MASK = 8;

    /** {@code struct gpio_v2_line_event}. */
    public static final int EVENT_SIZE = 48;
    public static final int EVENT_TIMESTAMP_NS = 0;
    public static final int EVENT_ID = 8;
    public static final int EVENT_OFFSET = 12;
    public static final int EVENT_SEQNO = 16;
    public static final int EVENT_LINE_SEQNO = 20;

    public static final int EVENT_RISING_EDGE = 1;
    public static final int EVENT_FALLING_EDGE = 2;

    public static final int ATTR_ID_FLAGS = 1;
    public static final int ATTR_ID_OUTPUT_VALUES = 2;
    public static final int ATTR_ID_DEBOUNCE = 3;

    public static final long FLAG_USED = 1L;
    public static final long FLAG_ACTIVE_LOW = 1L << 1;
    public static final long FLAG_INPUT = 1L << 2;
    public static final long FLAG_OUTPUT = 1L << 3;
    public static final long FLAG_EDGE_RISING = 1L << 4;
    public static final long FLAG_EDGE_FALLING = 1L << 5;
    public static final long FLAG_BIAS_PULL_UP = 1L << 8;
    public static final long FLAG_BIAS_PULL_DOWN = 1L << 9;
    public static final long FLAG_BIAS_DISABLED = 1L << 10;

    private static final int TYPE = 0xB4;
    public static final long GET_CHIPINFO_IOCTL = IoctlNumbers.ior(TYPE, 0x01, CHIPINFO_SIZE);
    public static final long GET_LINEINFO_IOCTL = IoctlNumbers.iowr(TYPE, 0x05, LINEINFO_SIZE);
    public static final long GET_LINE_IOCTL = IoctlNumbers.iowr(TYPE, 0x07, REQUEST_SIZE);
    public static final long LINE_GET_VALUES_IOCTL = IoctlNumbers.iowr(TYPE, 0x0E, VALUES_SIZE);
    public static final long LINE_SET_VALUES_IOCTL = IoctlNumbers.iowr(TYPE, 0x0F, VALUES_SIZE);

    private GpioAbi() {
    }
}
