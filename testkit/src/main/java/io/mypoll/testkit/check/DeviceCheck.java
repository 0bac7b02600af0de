// SPDX-License-Identifier: Apache-2.0
package io.mypoll.testkit.check;

import io.mypoll.driver.Device;
import io.mypoll.driver.DeviceEvent;
import io.mypoll.driver.mypoll.MypollEvent;
import io.mypoll.driver.DeviceListener;
import io.mypoll.driver.mypoll.DeviceStats;
import io.mypoll.driver.DeviceLoop;
import io.mypoll.driver.mypoll.EventType;
import io.mypoll.driver.mypoll.MypollDevice;
import io.mypoll.driver.NotifyMode;
import io.mypoll.driver.linux.LibC;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Checks {@link MypollDevice} and {@link DeviceLoop} against the real kernel
 * module, through the public driver API only, and prints one
 * {@code PASS|FAIL <mode>/<check>: detail} line per check.
 *
 * <pre>java -cp mypoll-testkit.jar io.mypoll.testkit.check.DeviceCheck MODES CHECKS PATH...</pre>
 *
 * <ul>
 * <li>MODES: {@code sigio}, {@code poll} or {@code sigio,poll}</li>
 * <li>CHECKS, comma-separated, run in this order whatever the order given:
 * <ul>
 * <li>{@code paced}: 10 ms timer for 2 s, TIMER events at that period, no seq gap</li>
 * <li>{@code burst}: a burst of 1000, every BURST record in order</li>
 * <li>{@code overrun}: a burst larger than the queue (load with a small queue_len) while the loop does not watch
 * the device; the OVERRUN record's lost equals the seq gap and the reader's lost count</li>
 * <li>{@code multi}: every PATH at once in one loop (load with count=N), each gets only its own events</li>
 * <li>{@code stats}: the reader's counters equal what was read</li>
 * <li>{@code stop}: after the loop is closed and the devices too, no file descriptor or thread is left and the
 * kernel counts no reader of ours</li>
 * </ul></li>
 * </ul>
 * The module must be loaded with the timer off ({@code period_us=0}). Exit status 0 when every check passed, 1 when
 * one failed, 2 on bad arguments.
 */
public final class DeviceCheck {
    private static final long WAIT_MS = 15_000;
    private static final int PACED_PERIOD_US = 10_000;
    private static final int PACED_MS = 2_000;
    private static final int BURST = 1000;

    private final List<String> paths;
    private int passed;
    private int failed;

    private DeviceCheck(List<String> paths) {
        this.paths = paths;
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: DeviceCheck sigio|poll|sigio,poll CHECKS PATH...");
            System.exit(2);
        }
        List<NotifyMode> modes = new ArrayList<>();
        for (String m : args[0].split(",")) {
            modes.add(NotifyMode.parse(m));
        }
        List<String> checks = Arrays.asList(args[1].split(","));
        DeviceCheck check = new DeviceCheck(Arrays.asList(args).subList(2, args.length));
        // Loads the native bindings and classes, so that the fd count of "stop" is not disturbed by them.
        check.warmUp(modes.get(0));
        for (NotifyMode mode : modes) {
            check.run(mode, checks);
        }
        System.out.printf(Locale.ROOT, "DeviceCheck: %d passed, %d failed%n", check.passed, check.failed);
        System.exit(check.failed == 0 ? 0 : 1);
    }

    private void pass(NotifyMode mode, String name, String detail) {
        passed++;
        System.out.println("PASS " + mode.label() + "/" + name + ": " + detail);
        System.out.flush();
    }

    private void fail(NotifyMode mode, String name, String detail) {
        failed++;
        System.out.println("FAIL " + mode.label() + "/" + name + ": " + detail);
        System.out.flush();
    }

    /** Collects what a loop reads, per device. */
    private static final class Collector implements DeviceListener {
        final Map<Device, BlockingQueue<MypollEvent>> events = new ConcurrentHashMap<>();
        final Map<Device, String> closed = new ConcurrentHashMap<>();

        BlockingQueue<MypollEvent> of(Device device) {
            return events.computeIfAbsent(device, d -> new LinkedBlockingQueue<>());
        }

        @Override
        public void onEvents(Device device, List<DeviceEvent> batch, Runnable handled) {
            batch.forEach(e -> of(device).add((MypollEvent) e));
            handled.run();
        }

        @Override
        public void onClosed(Device device, String reason) {
            closed.put(device, reason);
        }

        /** Takes events until {@code count} have matched {@code type}, or the time is up; returns all taken. */
        List<MypollEvent> take(Device device, EventType type, int count, long timeoutMs) throws InterruptedException {
            List<MypollEvent> taken = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
            int matched = 0;
            while (matched < count) {
                long left = deadline - System.nanoTime();
                MypollEvent e = left > 0 ? of(device).poll(left, TimeUnit.NANOSECONDS) : null;
                if (e == null) {
                    break;
                }
                taken.add(e);
                if (e.type() == type) {
                    matched++;
                }
            }
            return taken;
        }

        /** Everything that arrives within {@code ms}. */
        List<MypollEvent> during(Device device, long ms) throws InterruptedException {
            List<MypollEvent> taken = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
            while (true) {
                long left = deadline - System.nanoTime();
                MypollEvent e = left > 0 ? of(device).poll(left, TimeUnit.NANOSECONDS) : null;
                if (e == null) {
                    return taken;
                }
                taken.add(e);
            }
        }
    }

    /** What one reader has read: event records (not OVERRUN) and the last seq. */
    private static final class Reader {
        final MypollDevice device;
        long events;
        long lastSeq;

        Reader(MypollDevice device) {
            this.device = device;
        }

        void count(List<MypollEvent> batch) {
            for (MypollEvent e : batch) {
                if (e.type() != EventType.OVERRUN) {
                    events++;
                }
                lastSeq = e.seq();
            }
        }
    }

    private void warmUp(NotifyMode mode) throws Exception {
        Collector collector = new Collector();
        DeviceLoop loop = new DeviceLoop("mypoll-check", mode, LibC.SIGIO, collector).start();
        MypollDevice device = MypollDevice.open("warm-up", paths.get(0));
        loop.add(device).get(5, TimeUnit.SECONDS);
        device.trigger("warm-up".getBytes(StandardCharsets.UTF_8));
        collector.take(device, EventType.MANUAL, 1, WAIT_MS);
        loop.remove(device).get(5, TimeUnit.SECONDS);
        loop.close();
        device.close();
    }

    private void run(NotifyMode mode, List<String> checks) throws Exception {
        Set<String> fdsBefore = loopAndDeviceFds();
        int threadsBefore = loopThreads();
        Collector collector = new Collector();
        DeviceLoop loop = new DeviceLoop("mypoll-check", mode, LibC.SIGIO, collector).start();
        List<Reader> readers = new ArrayList<>();
        try {
            if (checks.contains("multi")) {
                for (int i = 0; i < paths.size(); i++) {
                    readers.add(new Reader(MypollDevice.open("dev" + i, paths.get(i))));
                }
            } else {
                readers.add(new Reader(MypollDevice.open("dev0", paths.get(0))));
            }
            Reader first = readers.get(0);
            if (!checks.contains("overrun")) {
                for (Reader r : readers) {
                    loop.add(r.device).get(5, TimeUnit.SECONDS);
                }
            }
            if (checks.contains("paced")) {
                paced(mode, collector, first);
            }
            if (checks.contains("burst")) {
                burst(mode, collector, first);
            }
            if (checks.contains("overrun")) {
                overrun(mode, loop, collector, first);
            }
            if (checks.contains("multi")) {
                multi(mode, collector, readers);
            }
            if (checks.contains("stats")) {
                for (Reader r : readers) {
                    stats(mode, collector, r);
                }
            }
            for (Reader r : readers) {
                loop.remove(r.device).get(5, TimeUnit.SECONDS);
            }
            if (!collector.closed.isEmpty()) {
                fail(mode, "loop", "devices reported closed: " + collector.closed.values());
            }
        } catch (Exception e) {
            fail(mode, "run", e.toString());
        } finally {
            loop.close();
            for (Reader r : readers) {
                r.device.close();
            }
        }
        if (checks.contains("stop")) {
            stop(mode, fdsBefore, threadsBefore, readers);
        }
    }

    private void paced(NotifyMode mode, Collector collector, Reader r) throws Exception {
        r.count(collector.during(r.device, 200));
        r.device.setPeriodUs(PACED_PERIOD_US);
        List<MypollEvent> got = collector.during(r.device, PACED_MS);
        r.device.setPeriodUs(0);
        got.addAll(collector.during(r.device, 300));
        r.count(got);
        List<MypollEvent> timers = got.stream().filter(e -> e.type() == EventType.TIMER).collect(Collectors.toList());
        long gaps = gaps(got);
        long others = got.size() - timers.size();
        int expected = PACED_MS * 1000 / PACED_PERIOD_US;
        String detail;
        if (timers.size() < 2) {
            fail(mode, "paced", timers.size() + " TIMER events in " + PACED_MS + " ms");
            return;
        }
        double meanMs = (timers.get(timers.size() - 1).tsNs() - timers.get(0).tsNs()) / 1e6 / (timers.size() - 1);
        double[] lat = timers.stream().mapToDouble(MypollEvent::latencyUs).sorted().toArray();
        detail = String.format(Locale.ROOT, "%d TIMER events in %d ms at %d us (expected about %d), mean interval "
                + "%.2f ms, seq gaps %d, other types %d, read latency p50 %.0f us p99 %.0f us", timers.size(),
                PACED_MS, PACED_PERIOD_US, expected, meanMs, gaps, others, lat[lat.length / 2],
                lat[(int) Math.min(lat.length - 1, Math.floor(lat.length * 0.99))]);
        boolean ok = gaps == 0 && others == 0 && timers.size() >= expected / 2 && timers.size() <= expected * 3 / 2
                && Math.abs(meanMs - PACED_PERIOD_US / 1000.0) <= PACED_PERIOD_US / 1000.0 * 0.2;
        if (ok) {
            pass(mode, "paced", detail);
        } else {
            fail(mode, "paced", detail);
        }
    }

    private void burst(NotifyMode mode, Collector collector, Reader r) throws Exception {
        long start = r.device.stats().generated();
        r.device.burst(BURST);
        List<MypollEvent> got = collector.take(r.device, EventType.BURST, BURST, WAIT_MS);
        r.count(got);
        List<String> problems = new ArrayList<>();
        int i = 0;
        for (MypollEvent e : got) {
            i++;
            if (e.type() != EventType.BURST) {
                problems.add("record " + i + " is " + e.type());
                break;
            }
            if (e.seq() != start + i) {
                problems.add("record " + i + " has seq " + e.seq() + ", expected " + (start + i));
                break;
            }
            String payload = "burst " + i + "/" + BURST;
            if (!payload.equals(e.payloadText())) {
                problems.add("record " + i + " has payload '" + e.payloadText() + "'");
                break;
            }
        }
        if (got.size() != BURST) {
            problems.add(got.size() + " records");
        }
        String detail = got.size() + " BURST records of " + BURST + ", seq " + (start + 1) + ".." + (start + BURST);
        if (problems.isEmpty()) {
            pass(mode, "burst", detail + " in order with payloads burst i/" + BURST);
        } else {
            fail(mode, "burst", detail + ": " + problems);
        }
    }

    private void overrun(NotifyMode mode, DeviceLoop loop, Collector collector, Reader r) throws Exception {
        DeviceStats before = r.device.stats();
        int capacity = before.capacity();
        int count = capacity * 4 + 3;
        long start = before.generated();
        r.device.burst(count);
        DeviceStats full = r.device.stats();
        long lostExpected = count - capacity;
        // Added after the burst: the loop drains what is queued at once.
        loop.add(r.device).get(5, TimeUnit.SECONDS);
        List<MypollEvent> got = collector.take(r.device, EventType.BURST, capacity, WAIT_MS);
        r.count(got);
        DeviceStats after = r.device.stats();
        List<String> problems = new ArrayList<>();
        if (full.queued() != capacity || full.lost() != before.lost() + lostExpected) {
            problems.add("before reading: queued " + full.queued() + ", lost " + full.lost());
        }
        if (got.size() != capacity + 1) {
            problems.add(got.size() + " records, expected " + (capacity + 1));
        }
        if (!got.isEmpty()) {
            MypollEvent o = got.get(0);
            if (o.type() != EventType.OVERRUN) {
                problems.add("first record is " + o.type());
            } else {
                if (o.lost() != lostExpected) {
                    problems.add("OVERRUN lost " + o.lost() + ", expected " + lostExpected);
                }
                if (o.seq() - start != o.lost()) {
                    problems.add("seq gap " + (o.seq() - start) + " != lost " + o.lost());
                }
            }
            long seq = o.seq();
            for (MypollEvent e : got.subList(1, got.size())) {
                if (e.type() != EventType.BURST || e.seq() != seq + 1) {
                    problems.add("after the OVERRUN: " + e.type() + " seq " + e.seq() + " after " + seq);
                    break;
                }
                seq = e.seq();
            }
            if (seq != start + count) {
                problems.add("last seq " + seq + ", expected " + (start + count));
            }
        }
        if (after.lost() != before.lost() + lostExpected || after.queued() != 0) {
            problems.add("stats after reading: lost " + after.lost() + ", queued " + after.queued());
        }
        String detail = String.format(Locale.ROOT, "burst of %d into a queue of %d: OVERRUN lost=%d, seq gap %d, "
                + "then %d BURST records; stats lost %d", count, capacity, got.isEmpty() ? -1 : got.get(0).lost(),
                got.isEmpty() ? -1 : got.get(0).seq() - start, Math.max(0, got.size() - 1), after.lost());
        if (problems.isEmpty()) {
            pass(mode, "overrun", detail);
        } else {
            fail(mode, "overrun", detail + ": " + problems);
        }
    }

    private void multi(NotifyMode mode, Collector collector, List<Reader> readers) throws Exception {
        Map<Reader, Long> start = new HashMap<>();
        for (Reader r : readers) {
            start.put(r, r.device.stats().generated());
        }
        for (int i = 0; i < readers.size(); i++) {
            Reader r = readers.get(i);
            r.device.trigger(("to " + r.device.id()).getBytes(StandardCharsets.UTF_8));
            r.device.burst(10 * (i + 1));
        }
        List<String> problems = new ArrayList<>();
        List<String> summary = new ArrayList<>();
        for (int i = 0; i < readers.size(); i++) {
            Reader r = readers.get(i);
            int bursts = 10 * (i + 1);
            List<MypollEvent> got = collector.take(r.device, EventType.BURST, bursts, WAIT_MS);
            got.addAll(collector.during(r.device, 100));
            r.count(got);
            long manual = got.stream().filter(e -> e.type() == EventType.MANUAL
                    && e.payloadText().equals("to " + r.device.id())).count();
            long burst = got.stream().filter(e -> e.type() == EventType.BURST).count();
            summary.add(r.device.path() + " " + manual + "+" + burst);
            if (manual != 1 || burst != bursts || got.size() != bursts + 1) {
                problems.add(r.device.path() + ": " + got.size() + " records, " + manual + " MANUAL, " + burst
                        + " BURST, expected 1 and " + bursts);
            }
            if (gaps(got) != 0 || got.isEmpty() || got.get(0).seq() != start.get(r) + 1) {
                problems.add(r.device.path() + ": seq not consecutive from " + (start.get(r) + 1));
            }
        }
        String detail = readers.size() + " devices in one loop, each only its own events (MANUAL+BURST): "
                + String.join(", ", summary);
        if (readers.size() < 2) {
            fail(mode, "multi", "needs several paths, got " + readers.size());
        } else if (problems.isEmpty()) {
            pass(mode, "multi", detail);
        } else {
            fail(mode, "multi", detail + ": " + problems);
        }
    }

    private void stats(NotifyMode mode, Collector collector, Reader r) throws Exception {
        r.count(collector.during(r.device, 200));
        DeviceStats s = r.device.stats();
        String detail = String.format(Locale.ROOT, "%s: generated %d (last seq read %d), delivered %d (read %d), "
                + "queued %d, readers %d, period %d us", r.device.path(), s.generated(), r.lastSeq, s.delivered(),
                r.events, s.queued(), s.readers(), s.periodUs());
        if (s.generated() == r.lastSeq && s.delivered() == r.events && s.queued() == 0 && s.readers() == 1
                && s.periodUs() == 0 && r.events > 0) {
            pass(mode, "stats", detail);
        } else {
            fail(mode, "stats", detail);
        }
    }

    private void stop(NotifyMode mode, Set<String> fdsBefore, int threadsBefore, List<Reader> readers) throws Exception {
        Set<String> left = loopAndDeviceFds();
        left.removeAll(fdsBefore);
        int threadsAfter = loopThreads();
        int kernelReaders = -1;
        try (MypollDevice probe = MypollDevice.open("probe", readers.get(0).device.path())) {
            kernelReaders = probe.stats().readers();
        }
        String detail = "device and loop fds left open: " + (left.isEmpty() ? "none" : left) + "; loop threads " + threadsBefore
                + " -> " + threadsAfter + "; readers of " + readers.get(0).device.path() + " with one probe open: "
                + kernelReaders;
        if (left.isEmpty() && threadsAfter == threadsBefore && kernelReaders == 1) {
            pass(mode, "stop", detail);
        } else {
            fail(mode, "stop", detail + "; fds now: " + fdList());
        }
    }

    private static long gaps(List<MypollEvent> events) {
        long gaps = 0;
        for (int i = 1; i < events.size(); i++) {
            if (events.get(i).seq() != events.get(i - 1).seq() + 1) {
                gaps++;
            }
        }
        return gaps;
    }

    /**
     * The open fds of the kinds a device and its loop use: device nodes and
     * anonymous inodes (epoll, eventfd, signalfd). The JVM opens other fds
     * (sockets, jars) on its own, at times of its choosing.
     */
    private static Set<String> loopAndDeviceFds() throws IOException {
        Set<String> fds = new HashSet<>();
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            s.forEach(p -> {
                try {
                    String target = Files.readSymbolicLink(p).toString();
                    if (target.startsWith("/dev/mypoll") || target.startsWith("anon_inode:")) {
                        fds.add(p.getFileName() + "->" + target);
                    }
                } catch (IOException e) {
                    // closed while listing
                }
            });
        }
        return fds;
    }

    private static String fdList() throws IOException {
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            return s.map(p -> {
                try {
                    return p.getFileName() + "->" + Files.readSymbolicLink(p);
                } catch (IOException e) {
                    return p.getFileName() + "->?";
                }
            }).collect(Collectors.joining(" "));
        }
    }

    private static int loopThreads() throws IOException {
        int n = 0;
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    if (Files.readString(task.resolve("comm")).trim().equals("mypoll-check")) {
                        n++;
                    }
                } catch (IOException e) {
                    // the thread ended meanwhile
                }
            }
        }
        return n;
    }
}
