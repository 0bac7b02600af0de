// SPDX-License-Identifier: Apache-2.0
package io.mypoll.driver.gpio;

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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Lines of a GPIO chip through the kernel's GPIO character device (uAPI v2):
 * one line request ({@code GPIO_V2_GET_LINE_IOCTL}) for all the device's
 * lines, whose fd is read with whole {@code struct gpio_v2_line_event}
 * records, one per edge, timestamped by the kernel on CLOCK_MONOTONIC.
 *
 * <p>Loss is exact: the request's {@code seqno} counts every edge the kernel
 * saw, so a gap in it is the number of edges its buffer dropped, reported as
 * the next event's {@code lost}.
 *
 * <p>The line fd has a {@code .poll} but no {@code .fasync}: O_ASYNC on it
 * raises no signal ({@link #signals}), so the loop polls it in either notify
 * mode. Before Linux 6.4 a reader waiting on it is not woken when the chip
 * goes away ({@link #reportsRemoval}); a read then fails with ENODEV.
 */
public final class GpioDevice extends RecordDevice {
    /** Records one read() may return: the kernel's buffer holds 16 per line by default, 1,024 at most. */
    private static final int RECORDS_PER_READ = 256;
    public static final String RISING = "rising";
    public static final String FALLING = "falling";
    private static final List<String> EVENT_TYPES = List.of(RISING, FALLING);
    /** Where chips given by label are looked for. */
    public static final Path CHIPS = Path.of("/dev");

    private final String chipPath;
    private final String chipLabel;
    /** The lines in request order, with their names from the chip. */
    private final List<LineState> lines;
    private final Map<Integer, Integer> indexOfOffset = new HashMap<>();
    /** Each line's last known value, by request index: any thread reads, the loop thread and setters write. */
    private final AtomicLongArray values;
    /* The last seqno read; loop thread (or the one caller of read()) only. */
    private long lastSeqno;
    private final Memory valuesArg = new Memory(GpioAbi.VALUES_SIZE);

    /** A line as requested, with what its chip calls it. */
    public record LineState(int offset, String name, boolean output) {
        /** The name, or "offset N" for a line without one. */
        public String label() {
            return name != null ? name : "offset " + offset;
        }
    }

    private GpioDevice(String id, String chipPath, String chipLabel, List<LineState> lines, int fd) {
        super(id, fd, GpioAbi.EVENT_SIZE, RECORDS_PER_READ);
        this.chipPath = chipPath;
        this.chipLabel = chipLabel;
        this.lines = List.copyOf(lines);
        this.values = new AtomicLongArray(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            indexOfOffset.put(lines.get(i).offset(), i);
        }
    }

    /** A reader over an fd that reads gpio_v2_line_event records: the tests' socketpairs. */
    static GpioDevice over(String id, String path, List<LineState> lines, int fd) {
        return new GpioDevice(id, path, null, lines, fd);
    }

    /**
     * Requests {@code lines} of {@code chip} (a node such as {@code /dev/gpiochip0}, or a chip's label),
     * reads their values once, and returns the reader.
     *
     * @param eventBufferSize the kernel's buffer of edges; 0 for its default (16 per line)
     * @param consumer        the name the kernel shows as the lines' user (at most 31 bytes kept)
     * @throws IOException naming the chip and line: no such chip or line, offset out of range, line in use
     */
    public static GpioDevice open(String id, String chip, List<GpioLine> lines, int eventBufferSize, String consumer)
            throws IOException {
        if (lines.isEmpty() || lines.size() > GpioAbi.LINES_MAX) {
            throw new IllegalArgumentException("a GPIO device has 1 to " + GpioAbi.LINES_MAX + " lines, not "
                    + lines.size());
        }
        String path = chip.startsWith("/") ? chip : findByLabel(CHIPS, chip);
        if (path == null) {
            throw new IOException("no GPIO chip in " + CHIPS + " has the label '" + chip + "'");
        }
        try (Chip c = Chip.open(path)) {
            String[] names = c.lineNames();
            List<LineState> states = new ArrayList<>();
            Map<Integer, String> given = new HashMap<>();
            for (GpioLine line : lines) {
                int offset = line.offset() >= 0 ? line.offset() : indexOf(names, line.name());
                if (offset < 0) {
                    throw new IOException(c.describe() + " has no line named '" + line.name() + "'");
                }
                if (offset >= names.length) {
                    throw new IOException(c.describe() + " has " + names.length + " lines (offsets 0 to "
                            + (names.length - 1) + "), not offset " + offset);
                }
                String before = given.put(offset, line.label());
                if (before != null) {
                    throw new IllegalArgumentException("line " + line.label() + " is given twice (as " + before
                            + ")");
                }
                states.add(new LineState(offset, names[offset], line.direction() == GpioLine.Direction.OUTPUT));
            }
            Memory request = LineRequest.build(states, lines, eventBufferSize, consumer);
            int fd = c.requestLines(request, states);
            GpioDevice device = new GpioDevice(id, path, c.label, states, fd);
            try {
                int flags = ErrnoException.check("fcntl(F_GETFL)", LibC.fcntl(fd, LibC.F_GETFL, 0L));
                ErrnoException.check("fcntl(F_SETFL)", LibC.fcntl(fd, LibC.F_SETFL, (long) (flags | LibC.O_NONBLOCK)));
                device.readValues();
                return device;
            } catch (IOException | RuntimeException e) {
                device.close();
                throw e;
            }
        }
    }

    /** The node of the chip with this label under {@code dir}, or null. */
    public static String findByLabel(Path dir, String label) throws IOException {
        try (DirectoryStream<Path> nodes = Files.newDirectoryStream(dir, "gpiochip*")) {
            for (Path node : nodes) {
                try (Chip c = Chip.open(node.toString())) {
                    if (label.equals(c.label)) {
                        return node.toString();
                    }
                } catch (IOException e) {
                    // Not readable by this user, or gone meanwhile: not the one.
                }
            }
        }
        return null;
    }

    private static int indexOf(String[] names, String name) {
        for (int i = 0; i < names.length; i++) {
            if (name.equals(names[i])) {
                return i;
            }
        }
        return -1;
    }

    /** Reads every line's value now (GPIO_V2_LINE_GET_VALUES_IOCTL) into the kept values. */
    public synchronized void readValues() throws IOException {
        valuesArg.setLong(GpioAbi.VALUES_BITS, 0);
        valuesArg.setLong(GpioAbi.VALUES_MASK, lines.size() == 64 ? -1L : (1L << lines.size()) - 1);
        ioctl("GPIO_V2_LINE_GET_VALUES_IOCTL", GpioAbi.LINE_GET_VALUES_IOCTL, valuesArg);
        long bits = valuesArg.getLong(GpioAbi.VALUES_BITS);
        for (int i = 0; i < lines.size(); i++) {
            values.set(i, (bits >>> i) & 1);
        }
    }

    /**
     * Sets an output line (GPIO_V2_LINE_SET_VALUES_IOCTL); the value is logical, as requested.
     *
     * @throws IllegalArgumentException when the line is not one of this device's outputs
     */
    public synchronized void setValue(int offset, boolean value) throws IOException {
        Integer index = indexOfOffset.get(offset);
        if (index == null) {
            throw new IllegalArgumentException("device " + id() + " has no line at offset " + offset);
        }
        if (!lines.get(index).output()) {
            throw new IllegalArgumentException("line " + lines.get(index).label() + " of device " + id()
                    + " is an input; only an output line can be set");
        }
        valuesArg.setLong(GpioAbi.VALUES_BITS, value ? 1L << index : 0);
        valuesArg.setLong(GpioAbi.VALUES_MASK, 1L << index);
        ioctl("GPIO_V2_LINE_SET_VALUES_IOCTL", GpioAbi.LINE_SET_VALUES_IOCTL, valuesArg);
        values.set(index, value ? 1 : 0);
    }

    /** The line with this name or offset ("sim3" or "3"), or null. */
    public LineState line(String nameOrOffset) {
        for (LineState line : lines) {
            if (nameOrOffset.equals(line.name()) || nameOrOffset.equals(Integer.toString(line.offset()))) {
                return line;
            }
        }
        return null;
    }

    /** The lines in request order. */
    public List<LineState> lines() {
        return lines;
    }

    /** Each line's last known value (0 or 1), in request order. */
    public Map<LineState, Integer> values() {
        Map<LineState, Integer> now = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            now.put(lines.get(i), (int) values.get(i));
        }
        return now;
    }

    /** The chip's label, as the kernel has it. */
    public String chipLabel() {
        return chipLabel;
    }

    @Override
    protected DeviceEvent decode(ByteBuffer buffer, int offset, long readNs) {
        long seqno = Integer.toUnsignedLong(buffer.getInt(offset + GpioAbi.EVENT_SEQNO));
        long lost = lastSeqno == 0 ? seqno - 1 : seqno - lastSeqno - 1;
        lastSeqno = seqno;
        int lineOffset = buffer.getInt(offset + GpioAbi.EVENT_OFFSET);
        boolean rising = buffer.getInt(offset + GpioAbi.EVENT_ID) == GpioAbi.EVENT_RISING_EDGE;
        Integer index = indexOfOffset.get(lineOffset);
        String name = null;
        if (index != null) {
            values.set(index, rising ? 1 : 0);
            name = lines.get(index).name();
        }
        return new GpioEdge(seqno, buffer.getLong(offset + GpioAbi.EVENT_TIMESTAMP_NS), readNs,
                rising ? RISING : FALLING, Math.max(0, lost), lineOffset, name,
                Integer.toUnsignedLong(buffer.getInt(offset + GpioAbi.EVENT_LINE_SEQNO)));
    }

    /**
     * One edge of a line. {@code seq} is the request's seqno (all its lines), {@code lineSeq} the line's
     * own; {@code lost} the edges the kernel dropped just before this one.
     */
    public record GpioEdge(long seq, long tsNs, long readNs, String typeName, long lost, int offset, String name,
                           long lineSeq) implements DeviceEvent {
        /** The line's logical value after the edge. */
        public int value() {
            return RISING.equals(typeName) ? 1 : 0;
        }
    }

    @Override
    public String path() {
        return chipPath;
    }

    @Override
    public String kind() {
        return "gpio";
    }

    @Override
    public List<String> eventTypes() {
        return EVENT_TYPES;
    }

    @Override
    public boolean signals() {
        return false;
    }

    @Override
    public boolean reportsRemoval() {
        return false;
    }

    /** An open chip node: its info and line names, and the one line request made through it. */
    private static final class Chip implements AutoCloseable {
        final String path;
        final int fd;
        final String label;
        final int lineCount;

        private Chip(String path, int fd, String label, int lineCount) {
            this.path = path;
            this.fd = fd;
            this.label = label;
            this.lineCount = lineCount;
        }

        static Chip open(String path) throws IOException {
            int fd = LibC.open(path, LibC.O_RDONLY | LibC.O_CLOEXEC);
            if (fd < 0) {
                throw new ErrnoException("open(" + path + ")", LibC.errno());
            }
            Memory info = new Memory(GpioAbi.CHIPINFO_SIZE);
            info.clear();
            if (LibC.ioctl(fd, GpioAbi.GET_CHIPINFO_IOCTL, info) < 0) {
                int errno = LibC.errno();
                LibC.close(fd);
                if (errno == LibC.ENOTTY || errno == LibC.EINVAL) {
                    throw new IOException(path + " is not a GPIO chip");
                }
                throw new ErrnoException("ioctl(" + path + ", GPIO_GET_CHIPINFO_IOCTL)", errno);
            }
            return new Chip(path, fd, text(info, GpioAbi.CHIPINFO_LABEL), info.getInt(GpioAbi.CHIPINFO_LINES));
        }

        String describe() {
            return "chip " + path + " (" + label + ")";
        }

        /** Each offset's name from GPIO_V2_GET_LINEINFO_IOCTL; null for a line without one. */
        String[] lineNames() throws IOException {
            String[] names = new String[lineCount];
            Memory info = new Memory(GpioAbi.LINEINFO_SIZE);
            for (int offset = 0; offset < lineCount; offset++) {
                lineInfo(info, offset);
                names[offset] = text(info, GpioAbi.LINEINFO_NAME);
            }
            return names;
        }

        void lineInfo(Memory info, int offset) throws IOException {
            info.clear();
            info.setInt(GpioAbi.LINEINFO_OFFSET, offset);
            if (LibC.ioctl(fd, GpioAbi.GET_LINEINFO_IOCTL, info) < 0) {
                throw new ErrnoException("ioctl(" + path + ", GPIO_V2_GET_LINEINFO_IOCTL, offset " + offset + ")",
                        LibC.errno());
            }
        }

        /** The line fd; a line in use names its user. */
        int requestLines(Memory request, List<LineState> lines) throws IOException {
            if (LibC.ioctl(fd, GpioAbi.GET_LINE_IOCTL, request) < 0) {
                int errno = LibC.errno();
                if (errno == LibC.EBUSY) {
                    throw new IOException(busy(lines));
                }
                throw new ErrnoException("ioctl(" + path + ", GPIO_V2_GET_LINE_IOCTL)", errno);
            }
            return request.getInt(GpioAbi.REQUEST_FD);
        }

        /** "line sim3 (offset 3) of chip ... is in use by 'gpioset'" for the first line already requested. */
        private String busy(List<LineState> lines) throws IOException {
            Memory info = new Memory(GpioAbi.LINEINFO_SIZE);
            for (LineState line : lines) {
                lineInfo(info, line.offset());
                if ((info.getLong(GpioAbi.LINEINFO_FLAGS) & GpioAbi.FLAG_USED) != 0) {
                    String user = text(info, GpioAbi.LINEINFO_CONSUMER);
                    return "line " + line.label() + " (offset " + line.offset() + ") of " + describe()
                            + " is in use" + (user != null ? " by '" + user + "'" : "");
                }
            }
            return "a line of " + describe() + " is in use (EBUSY)";
        }

        /** A NUL-terminated name field; null when empty. */
        private static String text(Memory memory, int offset) {
            byte[] bytes = memory.getByteArray(offset, GpioAbi.NAME_SIZE);
            int n = 0;
            while (n < bytes.length && bytes[n] != 0) {
                n++;
            }
            return n == 0 ? null : new String(bytes, 0, n, StandardCharsets.UTF_8);
        }

        @Override
        public void close() {
            LibC.close(fd);
        }
    }
}
