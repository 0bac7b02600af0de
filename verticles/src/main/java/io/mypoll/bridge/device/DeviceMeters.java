// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.device;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.mypoll.driver.mypoll.DeviceStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToDoubleFunction;

/**
 * One served device's meters in the registry of {@code /metrics}, all tagged
 * with its id. The counts are functions of what {@link DeviceCounters} and
 * {@link ServedDevice} keep anyway, read at scrape time; only the latency
 * histogram is recorded per event, on the device verticle's context.
 */
final class DeviceMeters {
    /** The histogram's buckets: from a fast read (10 µs) to one that a busy machine made late (1 s). */
    static final Duration[] LATENCY_BUCKETS = {
        Duration.ofNanos(10_000), Duration.ofNanos(20_000), Duration.ofNanos(50_000),
        Duration.ofNanos(100_000), Duration.ofNanos(200_000), Duration.ofNanos(500_000),
        Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5),
        Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofMillis(50),
        Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(500), Duration.ofSeconds(1)};

    private final MeterRegistry registry;
    private final Tags tags;
    private final List<Meter> meters = new ArrayList<>();
    private final Timer latency;

    DeviceMeters(MeterRegistry registry, String device) {
        this.registry = registry;
        this.tags = Tags.of("device", device);
        latency = add(Timer.builder("mypoll.device.latency")
                .description("Read latency: from the event's device timestamp to the bridge's read")
                .tags(tags).serviceLevelObjectives(LATENCY_BUCKETS).register(registry));
    }

    /** Events of one type that the bridge read. */
    void events(String type, AtomicLong count) {
        add(FunctionCounter.builder("mypoll.device.events", count, AtomicLong::get)
                .description("Events the bridge read from the device, by type (overrun events included)")
                .tags(tags).tag("type", type).register(registry));
    }

    void losses(AtomicLong lost, AtomicLong gaps) {
        counter("mypoll.device.lost", "Events the device lost before the bridge read them (overruns)", lost);
        counter("mypoll.device.seq.gaps", "Seq gaps not explained by an overrun (should stay 0)", gaps);
    }

    /** Open state and reopens, read from the device. */
    void state(ServedDevice device) {
        add(Gauge.builder("mypoll.device.open", device, d -> d.open ? 1 : 0)
                .description("1 while the device is open, 0 while it is closed or waited for")
                .tags(tags).register(registry));
        add(FunctionCounter.builder("mypoll.device.reopens", device, d -> d.reopens)
                .description("Times the device came back and was opened again").tags(tags).register(registry));
        add(FunctionCounter.builder("mypoll.device.pauses", device, ServedDevice::pauses)
                .description("Times the bridge stopped reading the device, its batches not yet handled, since it"
                        + " was last opened").tags(tags).register(registry));
    }

    /** The driver's own counters, as last read by the status publisher. */
    void driver(ServedDevice device) {
        driverCounter("mypoll.driver.generated", "Events the driver generated", device, DeviceStats::generated);
        driverCounter("mypoll.driver.delivered", "Events the driver delivered to readers", device,
                DeviceStats::delivered);
        driverCounter("mypoll.driver.lost", "Events the driver dropped for full reader queues", device,
                DeviceStats::lost);
        driverGauge("mypoll.driver.queued", "Records waiting in the bridge's reader queue", device,
                DeviceStats::queued);
        driverGauge("mypoll.driver.capacity", "The reader queue's length", device, DeviceStats::capacity);
        driverGauge("mypoll.driver.readers", "Open readers of the device", device, DeviceStats::readers);
        add(Gauge.builder("mypoll.driver.period", device, d -> d.driverStats.periodUs() / 1e6)
                .description("The timer period (0: off)").baseUnit("seconds").tags(tags).register(registry));
    }

    void latencyNs(long ns) {
        latency.record(ns, TimeUnit.NANOSECONDS);
    }

    /** Takes the device's meters out of the registry, when it is no longer served. */
    void close() {
        meters.forEach(registry::remove);
        meters.clear();
    }

    private void counter(String name, String description, AtomicLong count) {
        add(FunctionCounter.builder(name, count, AtomicLong::get).description(description).tags(tags)
                .register(registry));
    }

    private void driverCounter(String name, String description, ServedDevice device,
                               ToDoubleFunction<DeviceStats> value) {
        add(FunctionCounter.builder(name, device, d -> value.applyAsDouble(d.driverStats)).description(description)
                .tags(tags).register(registry));
    }

    private void driverGauge(String name, String description, ServedDevice device,
                             ToDoubleFunction<DeviceStats> value) {
        add(Gauge.builder(name, device, d -> value.applyAsDouble(d.driverStats)).description(description)
                .tags(tags).register(registry));
    }

    private <M extends Meter> M add(M meter) {
        meters.add(meter);
        return meter;
    }
}
