// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.device;

import io.mypoll.bridge.contract.Sequence;
import io.mypoll.driver.DeviceEvent;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * What the bridge has seen of one device: counts per type, losses, seq gaps,
 * and the rate and read latency over the current status interval. Written
 * only on the device verticle's context; the running counts are also read by
 * the metrics scrape, hence atomics, which one writer updates with plain
 * stores ({@link #add}).
 */
final class DeviceCounters {
    /** Every type the device makes, listed from the start so that status shows zeros too. */
    private final Map<String, AtomicLong> byType = new LinkedHashMap<>();
    private final Histogram latencyUs = new Histogram(60_000_000L, 2);
    private final AtomicLong total = new AtomicLong();
    private final AtomicLong lost = new AtomicLong();
    private final AtomicLong gaps = new AtomicLong();
    /** Null without metrics. */
    private final DeviceMeters meters;
    private long lastSeq;
    private long intervalEvents;
    private long intervalStartNs = System.nanoTime();

    DeviceCounters(List<String> eventTypes, DeviceMeters meters) {
        this.meters = meters;
        if (meters != null) {
            meters.losses(lost, gaps);
        }
        eventTypes.forEach(this::addType);
    }

    void record(DeviceEvent event) {
        add(total, 1);
        intervalEvents++;
        AtomicLong count = byType.get(event.typeName());
        add(count != null ? count : addType(event.typeName()), 1);
        if (event.lost() > 0) {
            add(lost, event.lost());
        } else {
            long ns = Math.max(0, event.readNs() - event.tsNs());
            latencyUs.recordValue(Math.min(ns / 1000, 60_000_000L));
            if (meters != null) {
                meters.latencyNs(ns);
            }
        }
        if (lastSeq != 0 && !Sequence.follows(lastSeq, event.seq(), event.lost())) {
            add(gaps, 1);
        }
        lastSeq = event.seq();
    }

    private AtomicLong addType(String type) {
        AtomicLong count = new AtomicLong();
        byType.put(type, count);
        if (meters != null) {
            meters.events(type, count);
        }
        return count;
    }

    /** One writer: a read and an ordered store, without the locked instruction of incrementAndGet. */
    private static void add(AtomicLong counter, long n) {
        counter.lazySet(counter.get() + n);
    }

    /** A new reader of the device: its seq starts again, and that is no gap. */
    void restart() {
        lastSeq = 0;
    }

    /** The counters as JSON; starts a new interval for rate and latency. */
    JsonObject snapshot() {
        long now = System.nanoTime();
        double seconds = Math.max(1e-9, (now - intervalStartNs) / 1e9);
        JsonObject events = new JsonObject().put("total", total.get());
        byType.forEach((type, count) -> events.put(type, count.get()));
        JsonObject latency = new JsonObject()
                .put("samples", latencyUs.getTotalCount())
                .put("p50", latencyUs.getTotalCount() == 0 ? null : latencyUs.getValueAtPercentile(50))
                .put("p99", latencyUs.getTotalCount() == 0 ? null : latencyUs.getValueAtPercentile(99))
                .put("max", latencyUs.getTotalCount() == 0 ? null : latencyUs.getMaxValue());
        JsonObject json = new JsonObject()
                .put("events", events)
                .put("lost", lost.get())
                .put("gaps", gaps.get())
                .put("lastSeq", lastSeq)
                .put("ratePerSec", Math.round(intervalEvents / seconds * 10) / 10.0)
                .put("latencyUs", latency);
        intervalEvents = 0;
        intervalStartNs = now;
        latencyUs.reset();
        return json;
    }
}
