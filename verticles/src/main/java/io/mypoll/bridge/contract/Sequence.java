// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.contract;

/** Whether an event's {@code seq} follows the last one without a gap, as the contract defines it. */
public final class Sequence {
    private Sequence() {
    }

    /**
     * An event that reports no loss is one ahead. One that reports
     * {@code lost} events is {@code lost} ahead when it stands for the loss
     * (mypoll's OVERRUN carries the seq of the last event lost), or
     * {@code lost + 1} when it is an event of its own that came after them
     * (an RTC read whose interrupts merged).
     */
    public static boolean follows(long lastSeq, long seq, long lost) {
        return lost <= 0 ? seq == lastSeq + 1 : seq == lastSeq + lost || seq == lastSeq + lost + 1;
    }
}
