package io.mypoll.bridge.logging;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.HashMap;
import java.util.Map;
import java.util.logging.Filter;
import java.util.logging.Level;
import java.util.logging.LogRecord;

/**
 * Keeps warnings and errors that clients cause from flooding the log: a peer
 * that goes away without closing (reset, broken pipe) is normal for a
 * server, not an error, and is not logged; and the same warning or error
 * from one place is logged at most {@value #PER_MINUTE} times a minute, the
 * next one saying how many were left out.
 */
public final class LogFilter implements Filter {
    static final int PER_MINUTE = 10;
    private static final long MINUTE_NS = 60_000_000_000L;

    /** Per logger and message: the start of its minute, and the records seen in it. Guarded by 'this'. */
    private final Map<String, long[]> windows = new HashMap<>();

    @Override
    public boolean isLoggable(LogRecord record) {
        if (isDisconnect(record.getThrown())) {
            return false;
        }
        if (record.getLevel().intValue() < Level.WARNING.intValue()) {
            return true;
        }
        String key = record.getLoggerName() + '\u0000' + record.getMessage();
        long now = System.nanoTime();
        long left;
        synchronized (this) {
            if (windows.size() > 10_000) {
                windows.clear();
            }
            long[] window = windows.computeIfAbsent(key, k -> new long[] {now, 0, 0});
            if (now - window[0] >= MINUTE_NS) {
                left = window[2];
                window[0] = now;
                window[1] = 0;
                window[2] = 0;
            } else {
                left = 0;
            }
            if (++window[1] > PER_MINUTE) {
                window[2]++;
                return false;
            }
        }
        if (left > 0) {
            record.setMessage(record.getMessage() + " (" + left + " more like it left out in the minute before)");
        }
        return true;
    }

    private static boolean isDisconnect(Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ClosedChannelException) {
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
