// SPDX-License-Identifier: Apache-2.0
package io.mypoll.driver.mypoll;

import com.sun.jna.Pointer;

/** {@code struct mypoll_stats}: the asking reader's counters and its device's settings. */
public record DeviceStats(long generated, long delivered, long lost, int queued, int capacity, int readers,
                          int periodUs) {

    static DeviceStats decode(Pointer p) {
        return new DeviceStats(
                p.getLong(MypollAbi.OFFSET_GENERATED),
                p.getLong(MypollAbi.OFFSET_DELIVERED),
                p.getLong(MypollAbi.OFFSET_STATS_LOST),
                p.getInt(MypollAbi.OFFSET_QUEUED),
                p.getInt(MypollAbi.OFFSET_CAPACITY),
                p.getInt(MypollAbi.OFFSET_READERS),
                p.getInt(MypollAbi.OFFSET_PERIOD_US));
    }
}
