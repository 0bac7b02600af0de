// SPDX-License-Identifier: Apache-2.0
package io.mypoll.driver.evdev;

import com.sun.jna.Memory;
import io.mypoll.driver.DeviceEvent;
import io.mypoll.driver.RecordDevice;
import io.mypoll.driver.linux.ErrnoException;
import io.mypoll.driver.linux.LibC;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A reader of a Linux input device ({@code /dev/input/eventN}): keyboards,
 * scanners, buttons. Reads whole {@code struct input_event}s and hands out
 * one {@link InputFrame} per SYN_REPORT. Timestamps are CLOCK_MONOTONIC
 * ({@code EVIOCSCLOCKID}), the clock of every other device type's events.
 */
public final class EvdevDevice extends RecordDevice {
    /** Records one read() may return: evdev's own buffer per reader is 64 to a few thousand events. */
    private static final int RECORDS_PER_READ = 256;
    private static final List<String> EVENT_TYPES = List.of(InputFrame.TYPE, InputFrame.OVERRUN);
    private static final int NAME_MAX = 256;

    private final String path;

    /* The frame being read; loop thread (or the one caller of read()) only. */
    private List<InputEvent> pending = new ArrayList<>();
    private long frames;
    /** After SYN_DROPPED, the events up to the next SYN_REPORT are the rest of a broken frame (evdev's rule). */
    private boolean discarding;

    EvdevDevice(String id, String path, int fd) {
        super(id, fd, InputAbi.EVENT_SIZE, RECORDS_PER_READ);
        this.path = path;
    }

    /**
     * A reader over an fd that reads input_event records: one the caller
     * opened and set up, or a recording's (the tests' socketpairs).
     */
    public static EvdevDevice over(String id, String path, int fd) {
        return new EvdevDevice(id, path, fd);
    }

    /**
     * Opens the input device at {@code path} (a node, or a link such as
     * {@code /dev/input/by-id/...}) read-only and nonblocking, checks that it
     * is one (EVIOCGVERSION), sets CLOCK_MONOTONIC, and with {@code grab}
     * takes it for this reader alone (EVIOCGRAB): other readers, the
     * console included, then get nothing, as a barcode scanner's user wants.
     */
    public static EvdevDevice open(String id, String path, boolean grab) throws IOException {
        int fd = LibC.open(path, LibC.O_RDONLY | LibC.O_NONBLOCK | LibC.O_CLOEXEC);
        if (fd < 0) {
            throw new ErrnoException("open(" + path + ")", LibC.errno());
        }
        EvdevDevice device = new EvdevDevice(id, path, fd);
        try {
            Memory value = new Memory(4);
            try {
                device.ioctl("EVIOCGVERSION", InputAbi.EVIOCGVERSION, value);
            } catch (ErrnoException e) {
                if (e.errno() == LibC.ENOTTY || e.errno() == LibC.EINVAL) {
                    throw new IOException(path + " is not an input device", e);
                }
                throw e;
            }
            value.setInt(0, LibC.CLOCK_MONOTONIC);
            device.ioctl("EVIOCSCLOCKID", InputAbi.EVIOCSCLOCKID, value);
            if (grab) {
                device.ioctl("EVIOCGRAB", InputAbi.EVIOCGRAB, 1L);
            }
            return device;
        } catch (IOException | RuntimeException e) {
            device.close();
            throw e;
        }
    }

    /**
     * The first {@code /dev/input/event*} whose name (EVIOCGNAME) is
     * {@code name}, in the order of their numbers; null when none is.
     */
    public static String findByName(Path inputDir, String name) throws IOException {
        if (!Files.isDirectory(inputDir)) {
            // A machine with no input device at all (a container, a server) has no such directory.
            return null;
        }
        List<Path> nodes = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(inputDir, "event*")) {
            dir.forEach(nodes::add);
        }
        nodes.sort((a, b) -> Integer.compare(number(a), number(b)));
        for (Path node : nodes) {
            if (name.equals(nameOf(node))) {
                return node.toString();
            }
        }
        return null;
    }

    /** The device's name, or null when it cannot be opened or asked. */
    static String nameOf(Path node) {
        int fd = LibC.open(node.toString(), LibC.O_RDONLY | LibC.O_NONBLOCK | LibC.O_CLOEXEC);
        if (fd < 0) {
            return null;
        }
        try {
            Memory buffer = new Memory(NAME_MAX);
            buffer.clear();
            int n = LibC.ioctl(fd, InputAbi.eviocgname(NAME_MAX), buffer);
            return n < 0 ? null : new String(buffer.getByteArray(0, Math.max(0, n - 1)), StandardCharsets.UTF_8)
                    .replace("\0", "");
        } finally {
            LibC.close(fd);
        }
    }

    private static int number(Path node) {
        try {
            return Integer.parseInt(node.getFileName().toString().substring("event".length()));
        } catch (NumberFormatException e) {
            return Integer.MAX_VALUE;
        }
    }

    @Override
    protected DeviceEvent decode(ByteBuffer buffer, int offset, long readNs) {
        int type = Short.toUnsignedInt(buffer.getShort(offset + InputAbi.OFFSET_TYPE));
        int code = Short.toUnsignedInt(buffer.getShort(offset + InputAbi.OFFSET_CODE));
        int value = buffer.getInt(offset + InputAbi.OFFSET_VALUE);
        if (type != InputAbi.EV_SYN || code != InputAbi.SYN_REPORT && code != InputAbi.SYN_DROPPED) {
            if (!discarding) {
                pending.add(new InputEvent(type, code, value));
            }
            return null;
        }
        if (discarding && code == InputAbi.SYN_REPORT) {
            discarding = false;
            return null;
        }
        discarding = code == InputAbi.SYN_DROPPED;
        long tsNs = buffer.getLong(offset + InputAbi.OFFSET_SEC) * 1_000_000_000L
                + buffer.getLong(offset + InputAbi.OFFSET_USEC) * 1_000L;
        InputFrame frame = new InputFrame(++frames, tsNs, readNs, List.copyOf(pending),
                code == InputAbi.SYN_DROPPED);
        pending = new ArrayList<>();
        return frame;
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public String kind() {
        return "evdev";
    }

    @Override
    public List<String> eventTypes() {
        return EVENT_TYPES;
    }
}
