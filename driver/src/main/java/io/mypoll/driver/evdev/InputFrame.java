// SPDX-License-Identifier: Apache-2.0
package io.mypoll.driver.evdev;

import io.mypoll.driver.DeviceEvent;
import java.util.List;

/**
 * What an input device reported at one instant: the events between two
 * {@code SYN_REPORT}s, the unit an application acts on (a key and its
 * modifiers, a pointer's x and y). A frame for {@code SYN_DROPPED} is an
 * overrun: the kernel's buffer for this reader overflowed and an unknown
 * number of events is gone; its {@code events} are the ones read before it
 * in the broken frame.
 *
 * @param seq  this reader's count of frames, from 1
 * @param tsNs the kernel's CLOCK_MONOTONIC time of the frame's SYN_REPORT (or SYN_DROPPED)
 */
public record InputFrame(long seq, long tsNs, long readNs, List<InputEvent> events, boolean dropped)
        implements DeviceEvent {
    public static final String TYPE = "input";
    public static final String OVERRUN = "overrun";

    @Override
    public String typeName() {
        return dropped ? OVERRUN : TYPE;
    }

    /** Unknown for an overrun (the kernel does not say), so 0: see {@link #dropped()}. */
    @Override
    public long lost() {
        return 0;
    }
}
