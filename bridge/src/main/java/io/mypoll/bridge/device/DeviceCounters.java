package io.mypoll.bridge.device;

import io.mypoll.bridge.contract.Sequence;
import io.mypoll.driver.DeviceEvent;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * What the bridge has seen of one device: counts per type, losses, seq gaps,
 * and the rate and read latency over the current status interval. Used only
 * on the device verticle's context.
 */
final class DeviceCounters {
    /** Every type the device makes, listed from the start so that status shows zeros too. */
    private final Map<String, long[]> byType = new LinkedHashMap<>();
    private final Histogram latencyUs = new Histogram(60_000_000L, 2);
    private long total;
    private long lost;
    private long gaps;
    private long lastSeq;
    private long intervalEvents;
    private long intervalStartNs = System.nanoTime();

    DeviceCounters(List<String> eventTypes) {
        eventTypes.forEach(type -> byType.put(type, new long[1]));
    }

    void record(DeviceEvent event) {
        total++;
        intervalEvents++;
        byType.computeIfAbsent(event.typeName(), type -> new long[1])[0]++;
        if (event.lost() > 0) {
            lost += event.lost();
        } else {
            latencyUs.recordValue(Math.max(0, Math.min((event.readNs() - event.tsNs()) / 1000, 60_000_000L)));
        }
        if (lastSeq != 0 && !Sequence.follows(lastSeq, event.seq(), event.lost())) {
            gaps++;
        }
        lastSeq = event.seq();
    }

    /** A new reader of the device: its seq starts again, and that is no gap. */
    void restart() {
        lastSeq = 0;
    }

    /** The counters as JSON; starts a new interval for rate and latency. */
    JsonObject snapshot() {
        long now = System.nanoTime();
        double seconds = Math.max(1e-9, (now - intervalStartNs) / 1e9);
        JsonObject events = new JsonObject().put("total", total);
        byType.forEach((type, count) -> events.put(type, count[0]));
        JsonObject latency = new JsonObject()
                .put("samples", latencyUs.getTotalCount())
                .put("p50", latencyUs.getTotalCount() == 0 ? null : latencyUs.getValueAtPercentile(50))
                .put("p99", latencyUs.getTotalCount() == 0 ? null : latencyUs.getValueAtPercentile(99))
                .put("max", latencyUs.getTotalCount() == 0 ? null : latencyUs.getMaxValue());
        JsonObject json = new JsonObject()
                .put("events", events)
                .put("lost", lost)
                .put("gaps", gaps)
                .put("lastSeq", lastSeq)
                .put("ratePerSec", Math.round(intervalEvents / seconds * 10) / 10.0)
                .put("latencyUs", latency);
        intervalEvents = 0;
        intervalStartNs = now;
        latencyUs.reset();
        return json;
    }
}
