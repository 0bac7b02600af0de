// SPDX-License-Identifier: Apache-2.0
package io.mypoll.driver.mypoll;

import io.mypoll.driver.linux.IoctlNumbers;

/**
 * The Java mirror of {@code driver/kernel/mypoll.h}: record layout, event
 * types and ioctl numbers. A test compiles a C program against the header and
 * compares every value here with it.
 */
public final class MypollAbi {
    private MypollAbi() {
    }

    public static final int RECORD_SIZE = 64;
    public static final int PAYLOAD_MAX = 40;

    // struct mypoll_event
    public static final int OFFSET_SEQ = 0;
    public static final int OFFSET_TS_NS = 8;
    public static final int OFFSET_TYPE = 16;
    public static final int OFFSET_LEN = 18;
    public static final int OFFSET_LOST = 20;
    public static final int OFFSET_PAYLOAD = 24;

    // struct mypoll_stats
    public static final int STATS_SIZE = 40;
    public static final int OFFSET_GENERATED = 0;
    public static final int OFFSET_DELIVERED = 8;
    public static final int OFFSET_STATS_LOST = 16;
    public static final int OFFSET_QUEUED = 24;
    public static final int OFFSET_CAPACITY = 28;
    public static final int OFFSET_READERS = 32;
    public static final int OFFSET_PERIOD_US = 36;

    public static final int IOC_MAGIC = 0xE7;
    public static final long IOC_GET_PERIOD = IoctlNumbers.ior(IOC_MAGIC, 1, 4);
    public static final long IOC_SET_PERIOD = IoctlNumbers.iow(IOC_MAGIC, 2, 4);
    public static final long IOC_BURST = IoctlNumbers.iow(IOC_MAGIC, 3, 4);
    public static final long IOC_GET_STATS = IoctlNumbers.ior(IOC_MAGIC, 4, STATS_SIZE);
    public static final int BURST_MAX = 1 << 20;
}
