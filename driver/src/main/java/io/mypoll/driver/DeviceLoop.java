// SPDX-License-Identifier: Apache-2.0
package io.mypoll.driver;

import com.sun.jna.Memory;
import io.mypoll.driver.linux.Epoll;
import io.mypoll.driver.linux.EpollEvents;
import io.mypoll.driver.linux.ErrnoException;
import io.mypoll.driver.linux.EventFd;
import io.mypoll.driver.linux.LibC;
import io.mypoll.driver.linux.SignalFd;
import io.mypoll.driver.linux.Signals;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One dedicated thread that waits in epoll_wait for device notifications and
 * dispatches readiness: each ready device reads and decodes its own records
 * ({@link Device#read}) until EAGAIN, and each drained batch goes to a
 * {@link DeviceListener} once. The loop knows no record format.
 *
 * <p>In {@link NotifyMode#SIGIO} mode each device has O_ASYNC set, its signal
 * (F_SETSIG) directed at this thread (F_SETOWN_EX, F_OWNER_TID), and the signal
 * blocked here and read from a signalfd in the epoll set. In
 * {@link NotifyMode#POLL} mode the device fds are in the epoll set. A device
 * whose fd raises no signal ({@link Device#signals}, a GPIO line) is in the
 * epoll set in both modes. In both an
 * eventfd wakes the loop for commands and stop; nothing else wakes it, so an
 * idle loop sleeps.
 *
 * <p>Backpressure is per device. Each batch handed to the listener is in
 * flight until the listener runs its {@code handled}; a device with its whole
 * budget of batches in flight is paused: out of the ready set, its
 * notifications off (out of the epoll set in POLL mode, O_ASYNC off in SIGIO
 * mode), so that its records wait, and overflow, in its own kernel queue,
 * counted by the device. When its batches in flight fall to half the budget
 * the listener's thread tells the loop through its command queue (once per
 * pause) and the loop reads the device again at once. The loop itself never
 * waits for the listener: other devices and commands go on.
 *
 * <p>A failure of the loop itself (a system call of the loop, an error
 * thrown by a device or the listener) ends the thread with the exception
 * uncaught, so that the thread's uncaught-exception handler sees it: the
 * bridge's ends the process, which its supervisor restarts.
 */
public final class DeviceLoop implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(DeviceLoop.class.getName());
    private static final int MAX_EPOLL_EVENTS = 64;
    private static final int MAX_SIGINFOS = 64;
    /** Reads of one device per turn, so a flooding device cannot starve the others. */
    private static final int MAX_READS_PER_TURN = 8;
    /** Batches of one device handed to the listener and not yet handled, past which the device is paused. */
    public static final int DEFAULT_BATCHES_IN_FLIGHT = 64;

    private final NotifyMode mode;
    private final int signal;
    private final DeviceListener listener;
    private final int batchesInFlight;
    /** A paused device is read again when its batches in flight fall to this. */
    private final int resumeAt;
    private final Thread thread;
    private final EventFd wake;
    private final Queue<Command> commands = new ConcurrentLinkedQueue<>();
    private final CompletableFuture<Integer> started = new CompletableFuture<>();
    private volatile boolean stopping;
    private volatile long wakeups;

    /** The watched devices, for {@link #pauses} from any thread; written by the loop thread only. */
    private final Map<Device, Watched> watched = new ConcurrentHashMap<>();

    /* Loop thread only. */
    private final Map<Integer, Watched> devices = new HashMap<>();
    private final Set<Watched> ready = new LinkedHashSet<>();
    /** How many of {@link #devices} are paused. */
    private int paused;
    private final EpollEvents events = new EpollEvents(MAX_EPOLL_EVENTS);
    private final Memory owner = new Memory(8);
    private Epoll epoll;
    private SignalFd signalFd;
    private int tid;

    /**
     * @param signal the signal devices raise in SIGIO mode: {@link LibC#SIGIO} or a real-time signal
     */
    public DeviceLoop(String name, NotifyMode mode, int signal, DeviceListener listener) throws ErrnoException {
        this(name, mode, signal, listener, DEFAULT_BATCHES_IN_FLIGHT);
    }

    /**
     * @param batchesInFlight the batches of one device that may wait for the listener's {@code handled};
     *                        past that the device is not read until half of them are handled
     */
    public DeviceLoop(String name, NotifyMode mode, int signal, DeviceListener listener, int batchesInFlight)
            throws ErrnoException {
        if (batchesInFlight < 1) {
            throw new IllegalArgumentException("batchesInFlight must be at least 1: " + batchesInFlight);
        }
        this.mode = mode;
        this.signal = signal;
        this.listener = listener;
        this.batchesInFlight = batchesInFlight;
        this.resumeAt = batchesInFlight / 2;
        this.wake = new EventFd();
        this.thread = new Thread(this::run, name);
        thread.setDaemon(true);
    }

    /** Starts the thread and waits until its epoll set is ready. */
    public DeviceLoop start() throws ErrnoException {
        thread.start();
        try {
            started.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the device loop", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ErrnoException errno) {
                throw errno;
            }
            throw new IllegalStateException("device loop failed to start", e.getCause());
        }
        return this;
    }

    public NotifyMode mode() {
        return mode;
    }

    /** How the loop learns that this device is ready: its signal, or poll for one that raises none. */
    public NotifyMode notifiedBy(Device device) {
        return mode == NotifyMode.SIGIO && device.signals() ? NotifyMode.SIGIO : NotifyMode.POLL;
    }

    /** The kernel thread id of the loop thread, for /proc/self/task/&lt;tid&gt;. */
    public int tid() {
        return started.join();
    }

    /** How many times epoll_wait has returned. */
    public long wakeups() {
        return wakeups;
    }

    /**
     * How many times the loop stopped reading the device because its budget
     * of batches was in flight, since it was added; 0 for a device the loop
     * does not watch (never added, removed, or gone). Any thread.
     */
    public long pauses(Device device) {
        Watched w = watched.get(device);
        return w == null ? 0 : w.pauses;
    }

    /** Starts watching the device; records already queued are drained at once. */
    public CompletableFuture<Void> add(Device device) {
        return submit(() -> attach(device));
    }

    /**
     * Completes on the loop thread when the loop next runs its commands,
     * which it does between turns: a loop stuck in a read, a listener or a
     * system call leaves it pending. A supervisor's liveness check.
     */
    public CompletableFuture<Void> nextTurn() {
        return submit(() -> { });
    }

    /**
     * Reads the device on the loop's next turn as if it were ready: for one
     * whose going wakes no reader ({@link Device#reportsRemoval}), when its
     * node has gone; the read's error then closes it, as any other's.
     */
    public CompletableFuture<Void> readSoon(Device device) {
        return submit(() -> readNow(device));
    }

    /** Stops watching the device; it stays open. */
    public CompletableFuture<Void> remove(Device device) {
        return submit(() -> {
            Watched w = watched.get(device);
            if (w != null) {
                forget(w);
                detach(device);
            }
        });
    }

    /** Stops the thread and waits for it; the devices stay open. */
    @Override
    public void close() {
        if (stopping) {
            return;
        }
        stopping = true;
        wake.signal();
        if (thread.isAlive() && Thread.currentThread() != thread) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        wake.close();
        Command left;
        while ((left = commands.poll()) != null) {
            left.done.completeExceptionally(new IllegalStateException("device loop closed"));
        }
    }

    private interface Action {
        void run() throws Exception;
    }

    private record Command(Action action, CompletableFuture<Void> done) {
    }

    private CompletableFuture<Void> submit(Action action) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (stopping) {
            done.completeExceptionally(new IllegalStateException("device loop closed"));
            return done;
        }
        commands.add(new Command(action, done));
        wake.signal();
        return done;
    }

    private void run() {
        try {
            tid = LibC.gettid();
            epoll = new Epoll();
            epoll.add(wake.fd(), LibC.EPOLLIN);
            // In both modes: a stray SIGIO or real-time signal must not kill the JVM.
            Signals.ignore(LibC.SIGIO);
            Signals.ignore(signal);
            if (mode == NotifyMode.SIGIO) {
                // SIGIO stays in the set even with a real-time signal: it reports RT queue overflow.
                signalFd = new SignalFd(MAX_SIGINFOS, signal, LibC.SIGIO);
                epoll.add(signalFd.fd(), LibC.EPOLLIN);
            }
        } catch (Throwable t) {
            started.completeExceptionally(t);
            closeFds();
            return;
        }
        started.complete(tid);
        try {
            loop();
        } catch (ErrnoException e) {
            // The thread ends with it: its uncaught-exception handler decides what the process does.
            throw new IllegalStateException("device loop " + thread.getName() + " failed: " + e.getMessage(), e);
        } finally {
            for (Watched w : devices.values()) {
                detach(w.device);
                w.waitingForRoom.set(false);
            }
            devices.clear();
            watched.clear();
            closeFds();
        }
    }

    private void closeFds() {
        if (signalFd != null) {
            signalFd.close();
        }
        if (epoll != null) {
            epoll.close();
        }
    }

    private void loop() throws ErrnoException {
        while (!stopping) {
            int n = epoll.await(events, ready.isEmpty() ? -1 : 0);
            wakeups++;
            for (int i = 0; i < n; i++) {
                int fd = events.fd(i);
                if (fd == wake.fd()) {
                    wake.clear();
                    runCommands();
                } else if (signalFd != null && fd == signalFd.fd()) {
                    if (!sigioCanWait()) {
                        readSignals();
                    }
                } else {
                    Watched w = devices.get(fd);
                    // A device paused in this turn may still have an event in this array.
                    if (w != null && w.reading) {
                        ready.add(w);
                    }
                }
            }
            drainReady();
        }
    }

    private void runCommands() {
        Command command;
        while ((command = commands.poll()) != null) {
            try {
                command.action.run();
                command.done.complete(null);
            } catch (Throwable t) {
                command.done.completeExceptionally(t);
            }
        }
    }

    /**
     * A pending SIGIO only says "drain every device". While every device is
     * being drained anyway it is left pending: further SIGIOs then merge into
     * it in the kernel, and the devices' writers wake nothing. It is read on
     * the first turn after a device runs dry, which drains all once more.
     */
    private boolean sigioCanWait() {
        return signal == LibC.SIGIO && !ready.isEmpty() && ready.size() == devices.size() - paused;
    }

    /**
     * Signals are read before devices are drained: a record that arrives after
     * the drain's final EAGAIN then raises a fresh signal, never one that
     * merged into a signal already consumed.
     */
    private void readSignals() throws ErrnoException {
        boolean all = false;
        int n;
        do {
            n = signalFd.read();
            for (int i = 0; i < n; i++) {
                if (signalFd.signo(i) == LibC.SIGIO
                        && (signal == LibC.SIGIO || signalFd.code(i) == LibC.SI_KERNEL)) {
                    // Standard signals merge while pending, and SI_KERNEL reports a
                    // real-time queue overflow: either way some device may be unnamed.
                    all = true;
                } else {
                    // A paused device's signals, raised before its O_ASYNC went off, are left to its resume.
                    Watched w = devices.get(signalFd.fd(i));
                    if (w != null && w.reading) {
                        ready.add(w);
                    }
                }
            }
        } while (n == MAX_SIGINFOS);
        if (all) {
            for (Watched w : devices.values()) {
                if (w.reading) {
                    ready.add(w);
                }
            }
        }
    }

    private void drainReady() {
        if (ready.isEmpty()) {
            return;
        }
        for (Watched w : ready.toArray(new Watched[0])) {
            if (!drain(w)) {
                ready.remove(w);
            }
        }
    }

    /** Lets the device read until EAGAIN or the per-turn limit; true when it may have more and is read on. */
    private boolean drain(Watched w) {
        List<DeviceEvent> batch = new ArrayList<>();
        try {
            boolean more = w.device.read(MAX_READS_PER_TURN, batch);
            deliver(w, batch);
            return more && w.reading;
        } catch (IOException e) {
            deliver(w, batch);
            lose(w, e.getMessage());
            return false;
        }
    }

    /** Hands the batch over; a device whose budget is then spent is paused. */
    private void deliver(Watched w, List<DeviceEvent> batch) {
        if (batch.isEmpty()) {
            return;
        }
        w.inFlight.incrementAndGet();
        Handled handled = new Handled(w);
        try {
            listener.onEvents(w.device, batch, handled);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "listener failed on a batch of " + w.device.id(), e);
            // It may never run handled now; a second run is a no-op.
            handled.run();
        }
        // A listener that handled the batch at once has already taken it back.
        if (w.inFlight.get() >= batchesInFlight && w.reading) {
            pause(w);
        }
    }

    /**
     * Stops reading the device until enough of its batches are handled. The
     * flag goes up before the count is looked at, and a handled() takes the
     * count down before it looks at the flag: whichever sees both clears the
     * flag, so exactly one of them resumes the device, and none is missed.
     */
    private void pause(Watched w) {
        w.waitingForRoom.set(true);
        if (w.inFlight.get() <= resumeAt && w.waitingForRoom.compareAndSet(true, false)) {
            return;
        }
        w.reading = false;
        paused++;
        ready.remove(w);
        w.pauses++;
        try {
            notifications(w, false);
        } catch (ErrnoException e) {
            lose(w, "cannot pause it: " + e.getMessage());
        }
    }

    /** A command: the device, if still watched and reading, is read on this turn. */
    private void readNow(Device device) {
        Watched w = watched.get(device);
        if (w != null && w.reading) {
            ready.add(w);
        }
    }

    /** A command: the device's batches came back; its records queued meanwhile raise no new notification. */
    private void resume(Watched w) {
        if (w.reading || devices.get(w.fd) != w) {
            return;
        }
        w.reading = true;
        paused--;
        try {
            notifications(w, true);
        } catch (ErrnoException e) {
            lose(w, "cannot resume it: " + e.getMessage());
            return;
        }
        ready.add(w);
    }

    /** A paused device's notifications go off: out of the epoll set, or O_ASYNC off. */
    private void notifications(Watched w, boolean on) throws ErrnoException {
        if (notifiedBy(w.device) == NotifyMode.SIGIO) {
            int flags = ErrnoException.check("fcntl(F_GETFL)", LibC.fcntl(w.fd, LibC.F_GETFL, 0L));
            ErrnoException.check("fcntl(F_SETFL)", LibC.fcntl(w.fd, LibC.F_SETFL,
                    (long) (on ? flags | LibC.O_ASYNC : flags & ~LibC.O_ASYNC)));
        } else if (on) {
            epoll.add(w.fd, LibC.EPOLLIN);
        } else {
            // Out of the set rather than EPOLL_CTL_MOD to no events: EPOLLHUP is reported regardless.
            epoll.remove(w.fd);
        }
    }

    private void lose(Watched w, String reason) {
        if (devices.get(w.fd) != w) {
            return;
        }
        forget(w);
        detach(w.device);
        try {
            listener.onClosed(w.device, reason);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "listener failed on the close of " + w.device.id(), e);
        }
    }

    /** The device leaves the loop with its state; its batches still in flight then change nothing. */
    private void forget(Watched w) {
        devices.remove(w.fd);
        watched.remove(w.device);
        ready.remove(w);
        if (!w.reading) {
            w.reading = true;
            paused--;
        }
        w.waitingForRoom.set(false);
    }

    /** Setup order: the signal is blocked and the signalfd made (in run()), then F_SETSIG, F_SETOWN_EX, O_ASYNC. */
    private void attach(Device device) throws ErrnoException {
        int fd = device.fd();
        if (fd < 0) {
            throw new IllegalArgumentException("device " + device.id() + " is closed");
        }
        int flags = ErrnoException.check("fcntl(F_GETFL)", LibC.fcntl(fd, LibC.F_GETFL, 0L));
        ErrnoException.check("fcntl(F_SETFL)", LibC.fcntl(fd, LibC.F_SETFL, (long) (flags | LibC.O_NONBLOCK)));
        if (notifiedBy(device) == NotifyMode.SIGIO) {
            ErrnoException.check("fcntl(F_SETSIG)", LibC.fcntl(fd, LibC.F_SETSIG, (long) signal));
            owner.setInt(0, LibC.F_OWNER_TID);
            owner.setInt(4, tid);
            ErrnoException.check("fcntl(F_SETOWN_EX)", LibC.fcntl(fd, LibC.F_SETOWN_EX, owner));
            ErrnoException.check("fcntl(F_SETFL)",
                    LibC.fcntl(fd, LibC.F_SETFL, (long) (flags | LibC.O_NONBLOCK | LibC.O_ASYNC)));
        } else {
            epoll.add(fd, LibC.EPOLLIN);
        }
        Watched w = new Watched(device, fd);
        devices.put(fd, w);
        watched.put(device, w);
        ready.add(w);
    }

    /** Notifications off; a paused device's are already (removing it from epoll again fails, unseen). */
    private void detach(Device device) {
        int fd = device.fd();
        if (fd < 0) {
            return;
        }
        if (notifiedBy(device) == NotifyMode.SIGIO) {
            int flags = LibC.fcntl(fd, LibC.F_GETFL, 0L);
            if (flags >= 0) {
                LibC.fcntl(fd, LibC.F_SETFL, (long) (flags & ~LibC.O_ASYNC));
            }
        } else {
            LibC.epoll_ctl(epoll.fd(), LibC.EPOLL_CTL_DEL, fd, null);
        }
    }

    /** A watched device and its batches in flight. */
    private final class Watched {
        final Device device;
        final int fd;
        /** Batches handed to the listener and not yet handled: the loop thread adds, any thread takes back. */
        final AtomicInteger inFlight = new AtomicInteger();
        /**
         * Up while the device is paused and no resume is on its way: set by the
         * loop thread in {@link #pause}, cleared by whichever thread first sees
         * the count at the resume point (see there).
         */
        final AtomicBoolean waitingForRoom = new AtomicBoolean();
        /** Times paused; written by the loop thread only, read by any. */
        volatile long pauses;
        /** Loop thread only: false while paused (notifications off, never in the ready set). */
        boolean reading = true;

        Watched(Device device, int fd) {
            this.device = device;
            this.fd = fd;
        }

        /** Any thread: one batch handled; the one that brings a paused device to its resume point resumes it. */
        void batchHandled() {
            if (inFlight.decrementAndGet() <= resumeAt && waitingForRoom.compareAndSet(true, false)) {
                submit(() -> resume(this));
            }
        }
    }

    /** The {@code handled} of one batch: only its first run counts. */
    private static final class Handled extends AtomicBoolean implements Runnable {
        private final transient Watched watched;

        Handled(Watched watched) {
            this.watched = watched;
        }

        @Override
        public void run() {
            if (compareAndSet(false, true)) {
                watched.batchHandled();
            }
        }
    }
}
