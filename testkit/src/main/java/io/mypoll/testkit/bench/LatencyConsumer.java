// SPDX-License-Identifier: Apache-2.0
package io.mypoll.testkit.bench;

import io.mypoll.bridge.contract.Addresses;
import io.mypoll.bridge.contract.EventBatch;
import io.mypoll.driver.DeviceEvent;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

/**
 * A consumer verticle that measures what a user's consumer would see: latency
 * from the device's tsNs to its handler, the loop's read latency carried in
 * the event, and gaps in seq. It takes either address: one JSON event per
 * message ({@code mypoll.events}) or one batch per read
 * ({@code mypoll.events.local}).
 */
final class LatencyConsumer extends VerticleBase {
    private final boolean batched;
    /** The one device whose events count; null for every device. */
    private final String device;
    /** Guarded by 'this': written on the consumer's event loop, read by the benchmark thread. */
    private final Histogram toConsumerNs = new Histogram(60_000_000_000L, 3);
    private final Histogram toReadNs = new Histogram(60_000_000_000L, 3);
    private long received;
    private long gaps;
    private long lost;
    private long overruns;
    private long lastSeq;
    private long lastReceivedNs;
    private boolean recording;

    /** @param batched whether to take {@code mypoll.events.local} rather than {@code mypoll.events} */
    LatencyConsumer(boolean batched) {
        this(batched, null);
    }

    /** Counts the events of {@code device} only, and passes over the others. */
    LatencyConsumer(boolean batched, String device) {
        this.batched = batched;
        this.device = device;
    }

    @Override
    public Future<?> start() {
        if (batched) {
            return vertx.eventBus().<EventBatch>localConsumer(Addresses.LOCAL_EVENT_BATCHES, m -> onBatch(m.body()))
                    .completion();
        }
        return vertx.eventBus().<JsonObject>consumer(Addresses.EVENTS, m -> onEvent(m.body())).completion();
    }

    private synchronized void onEvent(JsonObject event) {
        if (device != null && !device.equals(event.getString("device"))) {
            return;
        }
        // An input device's overrun does not say how many it lost ("lost": null).
        Long lostBefore = event.getLong("lost");
        count(System.nanoTime(), event.getLong("seq"), "overrun".equals(event.getString("type")),
                lostBefore == null ? 0 : lostBefore, event.getLong("tsNs"),
                Math.round(event.getDouble("latencyUs") * 1000));
    }

    private synchronized void onBatch(EventBatch batch) {
        if (device != null && !device.equals(batch.device())) {
            return;
        }
        long now = System.nanoTime();
        for (DeviceEvent event : batch.events()) {
            count(now, event.seq(), "overrun".equals(event.typeName()), Math.max(0, event.lost()), event.tsNs(),
                    event.readNs() - event.tsNs());
        }
    }

    private void count(long now, long seq, boolean overrun, long lostBefore, long tsNs, long readLatencyNs) {
        if (lastSeq != 0 && seq != lastSeq + 1) {
            gaps++;
        }
        lastSeq = seq;
        if (overrun) {
            overruns++;
        }
        // An overrun's lost, or a GPIO edge's (the kernel's dropped edges before it).
        lost += lostBefore;
        received++;
        lastReceivedNs = now;
        if (recording) {
            toConsumerNs.recordValue(Math.max(0, now - tsNs));
            toReadNs.recordValue(Math.max(0, readLatencyNs));
        }
    }

    /**
     * Waits until no event has come for a second (an emulated CPU may lag by seconds), or 30 s: the
     * consumer then has every event the device will give.
     */
    void awaitQuiet() throws InterruptedException {
        long limit = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        long seen = -1;
        while (received() != seen && System.nanoTime() < limit) {
            seen = received();
            Thread.sleep(1_000); // the quiet period itself: no event within it ends the wait
        }
    }

    synchronized void record(boolean on) {
        recording = on;
    }

    synchronized long received() {
        return received;
    }

    synchronized long gaps() {
        return gaps;
    }

    synchronized long overruns() {
        return overruns;
    }

    synchronized long lost() {
        return lost;
    }

    synchronized long lastReceivedNs() {
        return lastReceivedNs;
    }

    synchronized Histogram toConsumer() {
        return toConsumerNs.copy();
    }

    /** A percentile of a histogram of nanoseconds, in microseconds; NaN when it is empty. */
    static double us(Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(percentile) / 1000.0;
    }

    synchronized Histogram toRead() {
        return toReadNs.copy();
    }

    /** What makes a burst: the device itself, or a control request to the node that has it. */
    interface BurstSource {
        void burst(int count) throws Exception;
    }

    /**
     * Makes {@code bursts} bursts of {@code burst} events, each consumed here
     * completely before the next; returns the seconds from the first burst to
     * the last event consumed.
     */
    double consumeBursts(BurstSource device, int burst, int bursts) throws Exception {
        long base = received();
        long start = System.nanoTime();
        for (int i = 1; i <= bursts; i++) {
            device.burst(burst);
            long target = base + (long) i * burst;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (received() < target) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("burst " + i + " not consumed within 60 s");
                }
                // Sleep, not spin: a spinning thread would take a core from the bridge.
                LockSupport.parkNanos(100_000);
            }
        }
        return (lastReceivedNs() - start) / 1e9;
    }
}
