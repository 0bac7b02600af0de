// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.logging;

import io.vertx.core.http.HttpClosedException;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.logging.Filter;
import java.util.logging.Level;
import java.util.logging.LogRecord;

/**
 * Keeps warnings and errors that clients cause from flooding the log: a peer
 * that goes away without closing (reset, broken pipe) is normal for a
 * server, not an error, and is not logged; the same warning or error is
 * logged at most {@value #PER_MINUTE} times a minute; and all
 * warnings and errors together at most {@value #ALL_PER_MINUTE} times a
 * minute. The first line let through after some were left out says how
 * many.
 *
 * <p>"The same warning" is the code's message template, never the text a
 * client chose: a client that varies a frame's type, address or size must
 * not make each of its errors new. See {@link #template(LogRecord)}.
 */
public final class LogFilter implements Filter {
    static final int PER_MINUTE = 10;
    static final int ALL_PER_MINUTE = 60;
    /** Templates remembered; past it the one unseen longest is forgotten (its limit starts again). */
    static final int MAX_TEMPLATES = 1_000;
    /** A message without parameters is keyed on at most this many of its first characters. */
    static final int PREFIX_CHARS = 40;
    private static final long MINUTE_NS = 60_000_000_000L;

    /** Per template: its window. In access order, so the eldest is the one unseen longest. Guarded by 'this'. */
    private final Map<String, Window> windows = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Window> eldest) {
            return size() > MAX_TEMPLATES;
        }
    };
    /** Every warning and error, whatever its template. Guarded by 'this'. */
    private final Window all;
    private final LongSupplier nanoTime;

    /** As {@code logging.properties} makes it. */
    public LogFilter() {
        this(System::nanoTime);
    }

    LogFilter(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        this.all = new Window(nanoTime.getAsLong());
    }

    /** A minute's count of the records let through, and the records left out that no line has told of yet. */
    private static final class Window {
        long start;
        long seen;
        long untold;

        Window(long start) {
            this.start = start;
        }

        void roll(long now) {
            if (now - start >= MINUTE_NS) {
                start = now;
                seen = 0;
            }
        }

        long tell() {
            long left = untold;
            untold = 0;
            return left;
        }
    }

    @Override
    public boolean isLoggable(LogRecord record) {
        if (isDisconnect(record.getThrown()) || isGaugeRegisteredAgain(record)) {
            return false;
        }
        if (record.getLevel().intValue() < Level.WARNING.intValue()) {
            return true;
        }
        String key = template(record);
        long now = nanoTime.getAsLong();
        long leftOutHere;
        long leftOutAll;
        synchronized (this) {
            Window window = windows.computeIfAbsent(key, k -> new Window(now));
            window.roll(now);
            all.roll(now);
            if (window.seen >= PER_MINUTE || all.seen >= ALL_PER_MINUTE) {
                window.untold++;
                all.untold++;
                return false;
            }
            window.seen++;
            all.seen++;
            leftOutHere = window.tell();
            leftOutAll = all.tell();
        }
        if (leftOutHere > 0 || leftOutAll > 0) {
            record.setMessage(record.getMessage() + leftOut(leftOutHere, leftOutAll));
        }
        return true;
    }

    /** Templates remembered now. */
    synchronized int templates() {
        return windows.size();
    }

    /** The note on the first line let through after some were left out. */
    private static String leftOut(long here, long all) {
        String note = here > 0 ? " (" + here + " more like it left out" : " (";
        // Lines of other templates left out too: the log is incomplete, whatever this line is.
        if (all > here) {
            note += (here > 0 ? "; " : "") + all + " warnings and errors left out in all";
        }
        return note + ")";
    }

    /**
     * What makes two records "the same": logger, level and the class of the
     * exception, and then the message's pattern when the record has
     * parameters (the pattern is the code's, the parameters carry the
     * client's text). A record without parameters may hold client text in
     * its message (Vert.x and Netty build theirs by concatenation, as in
     * "Invalid type in incoming message: " + the frame's type), so only its
     * first words count: up to the first character that is neither a letter
     * nor a space (text quoted or put after a colon, a number, a path), and
     * at most {@value #PREFIX_CHARS} characters. A message that puts client
     * text right after its fixed words can still make new templates: those
     * {@link #MAX_TEMPLATES} and {@link #ALL_PER_MINUTE} bound.
     */
    static String template(LogRecord record) {
        Object[] parameters = record.getParameters();
        String message = record.getMessage() == null ? "" : record.getMessage();
        String pattern = parameters != null && parameters.length > 0
                ? message.substring(0, Math.min(message.length(), LogText.MAX))
                : leadingWords(message);
        Throwable thrown = record.getThrown();
        return record.getLoggerName() + '\u0000' + record.getLevel().getName() + '\u0000'
                + (thrown == null ? "" : thrown.getClass().getName()) + '\u0000' + pattern;
    }

    private static String leadingWords(String message) {
        int end = 0;
        while (end < message.length() && end < PREFIX_CHARS) {
            char c = message.charAt(end);
            if (!Character.isLetter(c) && c != ' ') {
                break;
            }
            end++;
        }
        return message.substring(0, end);
    }

    /**
     * Vert.x's Micrometer metrics register their gauges again for each consumer, connection and request
     * (vert-x3/vertx-micrometer-metrics#259), and Micrometer warns about it once per process: a WARNING on
     * every start, about meters that are right.
     */
    private static boolean isGaugeRegisteredAgain(LogRecord record) {
        return "io.micrometer.core.instrument.MeterRegistry".equals(record.getLoggerName())
                && record.getMessage() != null && record.getMessage().startsWith("This Gauge has been already registered");
    }

    private static boolean isDisconnect(Throwable thrown) {
        // A few causes deep at most: a chain of causes may loop.
        int depth = 0;
        for (Throwable t = thrown; t != null && depth++ < 10; t = t.getCause()) {
            // Vert.x's word for a peer that closed while a response or a SockJS session was open: every
            // client that leaves (and every socket at shutdown) would otherwise log a SEVERE line.
            if (t instanceof ClosedChannelException || t instanceof HttpClosedException) {
                return true;
            }
            if (t instanceof IOException && t.getMessage() != null
                    && (t.getMessage().contains("Connection reset") || t.getMessage().contains("Broken pipe"))) {
                return true;
            }
        }
        return false;
    }
}
