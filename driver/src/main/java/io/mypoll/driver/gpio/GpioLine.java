// SPDX-License-Identifier: Apache-2.0
package io.mypoll.driver.gpio;

/**
 * How one line of a GPIO device is requested.
 *
 * @param name       the line's name as {@code gpioinfo} shows it; null when given by offset
 * @param offset     the line's offset on its chip; -1 when given by name
 * @param debounceUs the kernel's debounce period in microseconds; 0 for none (inputs only)
 * @param value      an output's value when requested (logical: with active-low, 1 drives the pin low)
 */
public record GpioLine(String name, int offset, Direction direction, Edges edges, Bias bias, boolean activeLow,
                       int debounceUs, boolean value) {
    /** Which way the line goes. */
    public enum Direction { INPUT, OUTPUT }

    /** The edges of an input that become events. */
    public enum Edges {
        NONE(0), RISING(GpioAbi.FLAG_EDGE_RISING), FALLING(GpioAbi.FLAG_EDGE_FALLING),
        BOTH(GpioAbi.FLAG_EDGE_RISING | GpioAbi.FLAG_EDGE_FALLING);

        final long flags;

        Edges(long flags) {
            this.flags = flags;
        }
    }

    /** The pin's bias; AS_IS leaves what the board set. */
    public enum Bias {
        AS_IS(0), PULL_UP(GpioAbi.FLAG_BIAS_PULL_UP), PULL_DOWN(GpioAbi.FLAG_BIAS_PULL_DOWN),
        DISABLED(GpioAbi.FLAG_BIAS_DISABLED);

        final long flags;

        Bias(long flags) {
            this.flags = flags;
        }
    }

    public GpioLine {
        if ((name == null) == (offset < 0)) {
            throw new IllegalArgumentException("a line is given by its name or by its offset (one of them)");
        }
        if (direction == Direction.OUTPUT && edges != Edges.NONE) {
            throw new IllegalArgumentException("an output line has no edges");
        }
        if (direction == Direction.OUTPUT && debounceUs != 0) {
            throw new IllegalArgumentException("an output line has no debounce period");
        }
        if (debounceUs < 0) {
            throw new IllegalArgumentException("the debounce period cannot be negative");
        }
    }

    /** An input with both edges and nothing else set: a button. */
    public static GpioLine input(String name) {
        return new GpioLine(name, -1, Direction.INPUT, Edges.BOTH, Bias.AS_IS, false, 0, false);
    }

    /** How the line is named in messages: its name, or "offset N". */
    public String label() {
        return name != null ? name : "offset " + offset;
    }

    /** The request flags of this line. */
    long flags() {
        long flags = direction == Direction.OUTPUT ? GpioAbi.FLAG_OUTPUT : GpioAbi.FLAG_INPUT;
        flags |= edges.flags | bias.flags;
        return activeLow ? flags | GpioAbi.FLAG_ACTIVE_LOW : flags;
    }
}
