// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.device;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * What a page that opens, or a script, needs of a device's past: its last
 * events as published, and how many it read in each second of the chart's
 * window. Both are rings of fixed size, so memory stays bounded. Used on the
 * device verticle's context only.
 */
final class DeviceHistory {
    private final JsonObject[] events;
    /** The opening of the device each kept event belongs to: seq starts again at each. */
    private final int[] openings;
    private int head;
    private int size;
    private int opening;
    private long lastSeq;

    /** Per-second counts kept per device: the dashboard chart's window. */
    static final int SECONDS = 300;

    private final long[] seconds;
    private final long[] counts;
    /** The first second counted: nothing is known before it. */
    private final long firstSecond;

    DeviceHistory(int maxEvents, int windowSeconds) {
        events = new JsonObject[maxEvents];
        openings = new int[maxEvents];
        seconds = new long[windowSeconds];
        counts = new long[windowSeconds];
        firstSecond = nowSecond();
    }

    /** An event as published; the history holds the object itself, which nobody changes. */
    void add(JsonObject event) {
        long second = nowSecond();
        int slot = (int) (second % seconds.length);
        if (seconds[slot] != second) {
            seconds[slot] = second;
            counts[slot] = 0;
        }
        counts[slot]++;
        lastSeq = event.getLong("seq", 0L);
        if (events.length == 0) {
            return;
        }
        events[head] = event;
        openings[head] = opening;
        head = (head + 1) % events.length;
        size = Math.min(size + 1, events.length);
    }

    /** A new reader of the device: its seq starts again from 1. */
    void reopened() {
        opening++;
        lastSeq = 0;
    }

    /**
     * {"reopens", "lastSeq", "events": [...], "rate": {"from", "counts": [...]}}: the kept
     * events oldest first, after {@code since} of the current opening when it is 0 or more;
     * the counts of each whole second from {@code from} (Unix seconds) to the last one.
     */
    JsonObject snapshot(long since) {
        List<Object> list = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            int slot = (head - size + i + events.length) % events.length;
            if (since < 0 || openings[slot] == opening && events[slot].getLong("seq", 0L) > since) {
                list.add(events[slot]);
            }
        }
        long last = nowSecond() - 1;
        long from = Math.max(firstSecond, last - seconds.length + 1);
        JsonArray rate = new JsonArray(new ArrayList<>(seconds.length));
        for (long second = from; second <= last; second++) {
            int slot = (int) (second % seconds.length);
            rate.add(seconds[slot] == second ? counts[slot] : 0);
        }
        return new JsonObject()
                .put("reopens", opening)
                .put("lastSeq", lastSeq)
                .put("events", new JsonArray(list))
                .put("rate", new JsonObject().put("from", from).put("counts", rate));
    }

    private static long nowSecond() {
        return System.currentTimeMillis() / 1000;
    }
}
