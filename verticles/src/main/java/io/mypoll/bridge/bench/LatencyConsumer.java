package io.mypoll.bridge.bench;

import io.mypoll.bridge.Addresses;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

/**
 * A consumer verticle that measures what a user's consumer would see: latency
 * from the device's tsNs to its handler, the loop's read latency carried in
 * the event, and gaps in seq.
 */
final class LatencyConsumer extends VerticleBase {
    /** Guarded by 'this': written on the consumer's event loop, read by the benchmark thread. */
    private final Histogram toConsumerNs = new Histogram(60_000_000_000L, 3);
    private final Histogram toReadNs = new Histogram(60_000_000_000L, 3);
    private long received;
    private long gaps;
    private long lost;
    private long lastSeq;
    private long lastReceivedNs;
    private boolean recording;

    @Override
    public Future<?> start() {
        return vertx.eventBus().<JsonObject>consumer(Addresses.EVENTS, m -> onEvent(m.body())).completion();
    }

    private synchronized void onEvent(JsonObject event) {
        long now = System.nanoTime();
        long seq = event.getLong("seq");
        if (lastSeq != 0 && seq != lastSeq + 1) {
            gaps++;
        }
        lastSeq = seq;
        if ("overrun".equals(event.getString("type"))) {
            lost += event.getLong("lost");
        }
        received++;
        lastReceivedNs = now;
        if (recording) {
            toConsumerNs.recordValue(Math.max(0, now - event.getLong("tsNs")));
            toReadNs.recordValue(Math.max(0, Math.round(event.getDouble("latencyUs") * 1000)));
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

    synchronized long lost() {
        return lost;
    }

    synchronized long lastReceivedNs() {
        return lastReceivedNs;
    }

    synchronized Histogram toConsumer() {
        return toConsumerNs.copy();
    }

    synchronized Histogram toRead() {
        return toReadNs.copy();
    }
}
