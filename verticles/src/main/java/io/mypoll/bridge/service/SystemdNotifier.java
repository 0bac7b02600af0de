// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.service;

import io.mypoll.driver.linux.ErrnoException;
import io.mypoll.driver.linux.LibC;
import io.mypoll.driver.linux.SockaddrUn;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The bridge's side of sd_notify(3): one datagram to the Unix socket of
 * {@code $NOTIFY_SOCKET} per state ({@code READY=1}, {@code WATCHDOG=1},
 * {@code STOPPING=1}). systemd sets the variable for a unit of
 * {@code Type=notify}, and {@code WATCHDOG_USEC} (with {@code WATCHDOG_PID})
 * when it has {@code WatchdogSec=}. Without {@code $NOTIFY_SOCKET} nothing is
 * sent. Java's channels have no Unix datagram socket, hence libc through JNA.
 */
public final class SystemdNotifier {
    private static final System.Logger LOG = System.getLogger(SystemdNotifier.class.getName());

    /** Where to send; null when not started by systemd as a notify service. */
    private final SockaddrUn socket;
    private final String socketName;
    private final long watchdogUsec;
    private volatile boolean failedBefore;

    /**
     * @param socketName   the socket's path, or {@code @name} for an abstract one; null sends nothing
     * @param watchdogUsec systemd's watchdog timeout, in microseconds; 0 when off
     */
    public SystemdNotifier(String socketName, long watchdogUsec) {
        this.socketName = socketName;
        this.socket = socketName == null ? null : SockaddrUn.of(socketName);
        this.watchdogUsec = watchdogUsec;
    }

    /**
     * From {@code NOTIFY_SOCKET}, {@code WATCHDOG_USEC} and {@code WATCHDOG_PID}
     * as sd_watchdog_enabled(3) reads them: a watchdog meant for another
     * process (a different {@code WATCHDOG_PID}) is not this one's.
     */
    public static SystemdNotifier fromEnvironment(Map<String, String> env) {
        String name = env.get("NOTIFY_SOCKET");
        if (name == null || name.isEmpty()) {
            return new SystemdNotifier(null, 0);
        }
        long usec = 0;
        String pid = env.get("WATCHDOG_PID");
        if (pid == null || pid.equals(Long.toString(ProcessHandle.current().pid()))) {
            try {
                usec = Math.max(0, Long.parseLong(env.getOrDefault("WATCHDOG_USEC", "0")));
            } catch (NumberFormatException e) {
                LOG.log(System.Logger.Level.WARNING, "WATCHDOG_USEC is not a number: {0}; no watchdog",
                        env.get("WATCHDOG_USEC"));
            }
        }
        try {
            return new SystemdNotifier(name, usec);
        } catch (IllegalArgumentException e) {
            LOG.log(System.Logger.Level.WARNING, "NOTIFY_SOCKET: {0}; systemd is not notified", e.getMessage());
            return new SystemdNotifier(null, 0);
        }
    }

    /** Whether systemd listens: started as a notify service. */
    public boolean enabled() {
        return socket != null;
    }

    /** How often systemd wants WATCHDOG=1: half its timeout, as sd_watchdog_enabled(3) advises; 0 when off. */
    public long watchdogIntervalMs() {
        return socket == null ? 0 : watchdogUsec / 2_000;
    }

    /**
     * Sends one state line ({@code READY=1}); does nothing when systemd does
     * not listen. Never waits: a full socket drops the message, as a
     * watchdog ping that comes late would be. The first failure is logged.
     */
    public void notify(String state) {
        if (socket == null) {
            return;
        }
        byte[] message = state.getBytes(StandardCharsets.UTF_8);
        int fd = LibC.socket(LibC.AF_UNIX, LibC.SOCK_DGRAM | LibC.SOCK_CLOEXEC, 0);
        try {
            if (fd < 0) {
                throw new ErrnoException("socket(AF_UNIX, SOCK_DGRAM)", LibC.errno());
            }
            if (LibC.sendto(fd, message, message.length, LibC.MSG_DONTWAIT, socket.bytes(), socket.length()) < 0) {
                throw new ErrnoException("sendto(NOTIFY_SOCKET " + socketName + ")", LibC.errno());
            }
        } catch (ErrnoException e) {
            if (!failedBefore) {
                failedBefore = true;
                LOG.log(System.Logger.Level.WARNING, "systemd not told {0}: {1}", state, e.getMessage());
            }
        } finally {
            if (fd >= 0) {
                LibC.close(fd);
            }
        }
    }
}
