// SPDX-License-Identifier: Apache-2.0
package io.mypoll.driver.linux;

import com.sun.jna.Memory;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * An array of {@code struct epoll_event}, allocated once.
 *
 * <p>The struct is {@code __attribute__((packed))} on x86 and x86_64 (12 bytes,
 * data at offset 4) and naturally aligned elsewhere (16 bytes, data at 8), so a
 * default JNA Structure gets x86_64 wrong from the second element on.
 * The 64-bit data field holds the fd the event is for.
 */
public final class EpollEvents {
    public static final int SIZE = Platform.isIntel() ? 12 : 16;
    private static final int DATA_OFFSET = Platform.isIntel() ? 4 : 8;

    private final Memory memory;
    private final int capacity;

    public EpollEvents(int capacity) {
        this.capacity = capacity;
        this.memory = new Memory((long) capacity * SIZE);
        memory.clear();
    }

    public Pointer pointer() {
        return memory;
    }

    public int capacity() {
        return capacity;
    }

    public int events(int index) {
        return memory.getInt((long) index * SIZE);
    }

    public int fd(int index) {
        return (int) memory.getLong((long) index * SIZE + DATA_OFFSET);
    }

    /** Fills element {@code index} as epoll_ctl's argument: interest mask and fd. */
    public void set(int index, int events, int fd) {
        memory.setInt((long) index * SIZE, events);
        memory.setLong((long) index * SIZE + DATA_OFFSET, fd);
    }
}
