// SPDX-License-Identifier: Apache-2.0
package io.mypoll.driver;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A DeviceListener that keeps every batch, per device, as events of one type, for tests to wait on. */
public final class Recorder<E extends DeviceEvent> implements DeviceListener {
    private final Class<E> type;
    private final Map<String, List<E>> events = new ConcurrentHashMap<>();
    private final Map<String, String> closed = new ConcurrentHashMap<>();
    volatile int batches;
    volatile Thread lastThread;

    Recorder(Class<E> type) {
        this.type = type;
    }

    @Override
    public synchronized void onEvents(Device device, List<DeviceEvent> batch, Runnable handled) {
        handled.run();
        List<E> kept = events.computeIfAbsent(device.id(), k -> new ArrayList<>());
        batch.forEach(e -> kept.add(type.cast(e)));
        batches++;
        lastThread = Thread.currentThread();
        notifyAll();
    }

    @Override
    public synchronized void onClosed(Device device, String reason) {
        closed.put(device.id(), reason);
        notifyAll();
    }

    synchronized List<E> events(String device) {
        return new ArrayList<>(events.getOrDefault(device, List.of()));
    }

    synchronized String closedReason(String device) {
        return closed.get(device);
    }

    /** Waits until the device's events satisfy the condition; fails with what was seen after the timeout. */
    synchronized List<E> await(String device, Predicate<List<E>> condition, long timeoutMs)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (!condition.test(events.getOrDefault(device, List.of()))) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                List<E> seen = events.getOrDefault(device, List.of());
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

    static <E> Predicate<List<E>> atLeast(int n) {
        return list -> list.size() >= n;
    }

    /** Sequence numbers must run 1, 2, 3, ... with no gap; returns the number of gaps. */
    public static long seqGaps(List<? extends DeviceEvent> events) {
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
