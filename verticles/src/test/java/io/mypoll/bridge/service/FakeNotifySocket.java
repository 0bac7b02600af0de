// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.service;

import io.mypoll.driver.linux.ErrnoException;
import io.mypoll.driver.linux.LibC;
import io.mypoll.driver.linux.SockaddrUn;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * What systemd listens on for a notify service: a Unix datagram socket bound
 * at a path. A thread of its own takes each message as it comes, with the
 * time it came.
 */
final class FakeNotifySocket implements AutoCloseable {
    record Message(String text, long nanos) {
    }

    final String path;
    final List<Message> received = new CopyOnWriteArrayList<>();
    private final BlockingQueue<Message> unread = new LinkedBlockingQueue<>();
    private final int fd;
    private final Thread reader;
    private volatile boolean closed;

    FakeNotifySocket(Path dir) throws ErrnoException {
        path = dir.resolve("notify").toString();
        fd = ErrnoException.check("socket", LibC.socket(LibC.AF_UNIX, LibC.SOCK_DGRAM | LibC.SOCK_CLOEXEC, 0));
        SockaddrUn address = SockaddrUn.of(path);
        ErrnoException.check("bind", LibC.bind(fd, address.bytes(), address.length()));
        reader = new Thread(this::read, "fake-notify-socket");
        reader.setDaemon(true);
        reader.start();
    }

    private void read() {
        byte[] buffer = new byte[4096];
        while (!closed) {
            long n = LibC.recv(fd, buffer, buffer.length, LibC.MSG_DONTWAIT);
            if (n >= 0) {
                long now = System.nanoTime();
                // One datagram may carry several states, a line each.
                for (String line : new String(buffer, 0, (int) n, StandardCharsets.UTF_8).split("\n")) {
                    Message message = new Message(line, now);
                    received.add(message);
                    unread.add(message);
                }
            } else {
                try {
                    Thread.sleep(2); // EAGAIN: nothing yet; the fake's poll of its socket, not a test's wait
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /** Waits for the next message equal to {@code text}, skipping others. */
    void await(String text, long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (true) {
            Message m = unread.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (m == null) {
                throw new AssertionError("no " + text + " within " + timeoutMs + " ms; received "
                        + received.stream().map(Message::text).toList());
            }
            if (m.text().equals(text)) {
                return;
            }
        }
    }

    /**
     * Waits until {@code toNanos} (of System.nanoTime), then counts the messages equal to {@code text}
     * that came from {@code fromNanos} on.
     */
    long countBetween(String text, long fromNanos, long toNanos) throws InterruptedException {
        long wait = toNanos - System.nanoTime();
        if (wait > 0) {
            // An absence window, not a wait for a condition: what is counted is what a span of time brought.
            TimeUnit.NANOSECONDS.sleep(wait);
        }
        unread.clear();
        return received.stream().filter(m -> m.text().equals(text) && m.nanos() >= fromNanos && m.nanos() < toNanos)
                .count();
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        reader.join();
        LibC.close(fd);
    }
}
