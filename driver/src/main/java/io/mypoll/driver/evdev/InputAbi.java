// SPDX-License-Identifier: Apache-2.0
package io.mypoll.driver.evdev;

import io.mypoll.driver.linux.IoctlNumbers;

/**
 * The Java mirror of {@code <linux/input.h>} as 64-bit Linux lays it out:
 * {@code struct input_event} and the evdev ioctls the bridge uses. A test
 * compiles a C program against the header and compares every value.
 */
public final class InputAbi {
    private InputAbi() {
    }

    /** {@code struct input_event}: a timeval (two longs), type, code, value. */
    public static final int EVENT_SIZE = 24;
    public static final int OFFSET_SEC = 0;
    public static final int OFFSET_USEC = 8;
    public static final int OFFSET_TYPE = 16;
    public static final int OFFSET_CODE = 18;
    public static final int OFFSET_VALUE = 20;

    public static final int EV_SYN = 0x00;
    public static final int EV_KEY = 0x01;
    public static final int SYN_REPORT = 0;
    /** The reader's buffer in the kernel overflowed: events were dropped, how many is not known. */
    public static final int SYN_DROPPED = 3;

    private static final int E = 'E';
    public static final long EVIOCGVERSION = IoctlNumbers.ior(E, 0x01, 4);
    public static final long EVIOCGRAB = IoctlNumbers.iow(E, 0x90, 4);
    public static final long EVIOCSCLOCKID = IoctlNumbers.iow(E, 0xa0, 4);

    /** {@code EVIOCGNAME(len)}: the device's name, into a buffer of {@code len} bytes. */
    public static long eviocgname(int len) {
        return IoctlNumbers.ior(E, 0x06, len);
    }
}
