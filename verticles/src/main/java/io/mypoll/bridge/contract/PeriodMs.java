// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.contract;

/** A timer period in milliseconds, as configuration and control requests give it: 0 (off) to one hour. */
public final class PeriodMs {
    public static final double MAX = 3_600_000;

    private PeriodMs() {
    }

    /**
     * The period {@code value} names, in whole microseconds.
     *
     * @throws IllegalArgumentException saying what is wrong with it
     */
    public static double parse(Object value) {
        if (!(value instanceof Number n) || !Double.isFinite(n.doubleValue())) {
            throw new IllegalArgumentException("must be a number of milliseconds, not " + value);
        }
        double ms = n.doubleValue();
        if (ms < 0 || ms > MAX) {
            throw new IllegalArgumentException("must be from 0 (off) to 3600000, not " + value);
        }
        if (ms > 0 && Math.round(ms * 1000) == 0) {
            throw new IllegalArgumentException("must be 0 or at least 0.001 (one microsecond), not " + value);
        }
        return ms;
    }

    public static int toMicros(double periodMs) {
        return (int) Math.round(periodMs * 1000);
    }
}
