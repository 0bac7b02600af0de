package io.mypoll.driver;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A DeviceListener that keeps every batch, per device, for tests to wait on. */
final class Recorder implements DeviceListener {
    private final Map<String, List<DeviceEvent>> events = new ConcurrentHashMap<>();
    private final Map<String, String> closed = new ConcurrentHashMap<>();
    volatile int batches;
    volatile Thread lastThread;

    @Override
    public synchronized void onEvents(Device device, List<DeviceEvent> batch) {
        events.computeIfAbsent(device.id(), k -> new ArrayList<>()).addAll(batch);
        batches++;
        lastThread = Thread.currentThread();
        notifyAll();
    }

    @Override
    public synchronized void onClosed(Device device, String reason) {
        closed.put(device.id(), reason);
        notifyAll();
    }

    synchronized List<DeviceEvent> events(String device) {
        return new ArrayList<>(events.getOrDefault(device, List.of()));
    }

    synchronized String closedReason(String device) {
        return closed.get(device);
    }

    /** Waits until the device's events satisfy the condition; fails with what was seen after the timeout. */
    synchronized List<DeviceEvent> await(String device, Predicate<List<DeviceEvent>> condition, long timeoutMs)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (!condition.test(events.getOrDefault(device, List.of()))) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                List<DeviceEvent> seen = events.getOrDefault(device, List.of());
                throw new AssertionError("timed out after " + timeoutMs + " ms on " + device + " with "
                        + seen.size() + " events, last " + (seen.isEmpty() ? "none" : seen.get(seen.size() - 1)));
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return new ArrayList<>(events.get(device));
    }

    synchronized void awaitClosed(String device, long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (!closed.containsKey(device)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("device " + device + " was not reported closed within " + timeoutMs + " ms");
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    static Predicate<List<DeviceEvent>> atLeast(int n) {
        return list -> list.size() >= n;
    }

    /** Sequence numbers must run 1, 2, 3, ... with no gap; returns the number of gaps. */
    static long seqGaps(List<DeviceEvent> events) {
        long gaps = 0;
        long expected = 1;
        for (DeviceEvent e : events) {
            if (e.seq() != expected) {
                gaps++;
            }
            expected = e.seq() + 1;
        }
        return gaps;
    }
}
