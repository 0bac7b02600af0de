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
import java.util.concurrent.ExecutionException;

/**
 * One dedicated thread that waits in epoll_wait for device notifications and
 * dispatches readiness: each ready device reads and decodes its own records
 * ({@link Device#read}) until EAGAIN, and each drained batch goes to a
 * {@link DeviceListener} once. The loop knows no record format.
 *
 * <p>In {@link NotifyMode#SIGIO} mode each device has O_ASYNC set, its signal
 * (F_SETSIG) directed at this thread (F_SETOWN_EX, F_OWNER_TID), and the signal
 * blocked here and read from a signalfd in the epoll set. In
 * {@link NotifyMode#POLL} mode the device fds are in the epoll set. In both an
 * eventfd wakes the loop for commands and stop; nothing else wakes it, so an
 * idle loop sleeps.
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

    private final NotifyMode mode;
    private final int signal;
    private final DeviceListener listener;
    private final Thread thread;
    private final EventFd wake;
    private final Queue<Command> commands = new ConcurrentLinkedQueue<>();
    private final CompletableFuture<Integer> started = new CompletableFuture<>();
    private volatile boolean stopping;
    private volatile long wakeups;

    /* Loop thread only. */
    private final Map<Integer, Device> devices = new HashMap<>();
    private final Set<Device> ready = new LinkedHashSet<>();
    private final EpollEvents events = new EpollEvents(MAX_EPOLL_EVENTS);
    private final Memory owner = new Memory(8);
    private Epoll epoll;
    private SignalFd signalFd;
    private int tid;

    /**
     * @param signal the signal devices raise in SIGIO mode: {@link LibC#SIGIO} or a real-time signal
     */
    public DeviceLoop(String name, NotifyMode mode, int signal, DeviceListener listener) throws ErrnoException {
        this.mode = mode;
        this.signal = signal;
        this.listener = listener;
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

    /** The kernel thread id of the loop thread, for /proc/self/task/&lt;tid&gt;. */
    public int tid() {
        return started.join();
    }

    /** How many times epoll_wait has returned. */
    public long wakeups() {
        return wakeups;
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

    /** Stops watching the device; it stays open. */
    public CompletableFuture<Void> remove(Device device) {
        return submit(() -> {
            if (devices.remove(device.fd()) != null) {
                ready.remove(device);
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
            for (Device device : devices.values()) {
                detach(device);
            }
            devices.clear();
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
                    Device device = devices.get(fd);
                    if (device != null) {
                        ready.add(device);
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
        return signal == LibC.SIGIO && !ready.isEmpty() && ready.size() == devices.size();
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
                    Device device = devices.get(signalFd.fd(i));
                    if (device != null) {
                        ready.add(device);
                    }
                }
            }
        } while (n == MAX_SIGINFOS);
        if (all) {
            ready.addAll(devices.values());
        }
    }

    private void drainReady() {
        if (ready.isEmpty()) {
            return;
        }
        for (Device device : ready.toArray(new Device[0])) {
            if (!drain(device)) {
                ready.remove(device);
            }
        }
    }

    /** Lets the device read until EAGAIN or the per-turn limit; true when it may have more. */
    private boolean drain(Device device) {
        List<DeviceEvent> batch = new ArrayList<>();
        try {
            boolean more = device.read(MAX_READS_PER_TURN, batch);
            deliver(device, batch);
            return more;
        } catch (IOException e) {
            deliver(device, batch);
            lose(device, e.getMessage());
            return false;
        }
    }

    private void deliver(Device device, List<DeviceEvent> batch) {
        if (batch.isEmpty()) {
            return;
        }
        try {
            listener.onEvents(device, batch);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "listener failed on a batch of " + device.id(), e);
        }
    }

    private void lose(Device device, String reason) {
        devices.remove(device.fd());
        ready.remove(device);
        detach(device);
        try {
            listener.onClosed(device, reason);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "listener failed on the close of " + device.id(), e);
        }
    }

    /** Setup order: the signal is blocked and the signalfd made (in run()), then F_SETSIG, F_SETOWN_EX, O_ASYNC. */
    private void attach(Device device) throws ErrnoException {
        int fd = device.fd();
        if (fd < 0) {
            throw new IllegalArgumentException("device " + device.id() + " is closed");
        }
        int flags = ErrnoException.check("fcntl(F_GETFL)", LibC.fcntl(fd, LibC.F_GETFL, 0L));
        ErrnoException.check("fcntl(F_SETFL)", LibC.fcntl(fd, LibC.F_SETFL, (long) (flags | LibC.O_NONBLOCK)));
        if (mode == NotifyMode.SIGIO) {
            ErrnoException.check("fcntl(F_SETSIG)", LibC.fcntl(fd, LibC.F_SETSIG, (long) signal));
            owner.setInt(0, LibC.F_OWNER_TID);
            owner.setInt(4, tid);
            ErrnoException.check("fcntl(F_SETOWN_EX)", LibC.fcntl(fd, LibC.F_SETOWN_EX, owner));
            ErrnoException.check("fcntl(F_SETFL)",
                    LibC.fcntl(fd, LibC.F_SETFL, (long) (flags | LibC.O_NONBLOCK | LibC.O_ASYNC)));
        } else {
            epoll.add(fd, LibC.EPOLLIN);
        }
        devices.put(fd, device);
        ready.add(device);
    }

    private void detach(Device device) {
        int fd = device.fd();
        if (fd < 0) {
            return;
        }
        if (mode == NotifyMode.SIGIO) {
            int flags = LibC.fcntl(fd, LibC.F_GETFL, 0L);
            if (flags >= 0) {
                LibC.fcntl(fd, LibC.F_SETFL, (long) (flags & ~LibC.O_ASYNC));
            }
        } else {
            LibC.epoll_ctl(epoll.fd(), LibC.EPOLL_CTL_DEL, fd, null);
        }
    }
}
