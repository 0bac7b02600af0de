// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.logging;

import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.logging.Formatter;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;

/**
 * One line per record, whatever it holds: control characters escaped (a
 * payload or a client's frame cannot forge a line), an exception as its
 * class, message and the frame it was thrown at, and the whole cut to
 * {@value #MAX_LINE} characters (a message that quotes a client's frame
 * must not be as large as the frame). Full stack traces, for debugging,
 * with {@code io.mypoll.bridge.logging.LineFormatter.stackTraces=true};
 * they come after the line, uncut.
 */
public final class LineFormatter extends Formatter {
    /** The longest line, its ending aside; a longer one ends with {@value #CUT}. */
    public static final int MAX_LINE = 1_000;
    static final String CUT = "...";
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");
    private final boolean stackTraces = Boolean.parseBoolean(
            LogManager.getLogManager().getProperty(LineFormatter.class.getName() + ".stackTraces"));

    @Override
    public String format(LogRecord record) {
        StringBuilder line = new StringBuilder(160)
                .append(TIME.format(LocalDateTime.ofInstant(record.getInstant(), ZoneId.systemDefault())))
                .append(' ').append(String.format("%-7s", record.getLevel().getName()))
                .append(" [").append(record.getLoggerName()).append("] ")
                .append(LogText.withoutControls(formatMessage(record), MAX_LINE));
        Throwable thrown = record.getThrown();
        if (thrown != null) {
            line.append(": ").append(summary(thrown));
            // Past the bound the rest would be cut anyway; it also ends a chain of causes that loops.
            for (Throwable cause = thrown.getCause(); cause != null && cause != thrown && line.length() <= MAX_LINE;
                    cause = cause.getCause()) {
                line.append("; caused by ").append(summary(cause));
            }
        }
        if (line.length() > MAX_LINE) {
            int end = MAX_LINE - CUT.length();
            // Not between the halves of a surrogate pair.
            line.setLength(Character.isLowSurrogate(line.charAt(end)) ? end - 1 : end);
            line.append(CUT);
        }
        line.append(System.lineSeparator());
        if (thrown != null && stackTraces) {
            java.io.StringWriter trace = new java.io.StringWriter();
            thrown.printStackTrace(new java.io.PrintWriter(trace));
            line.append(trace);
        }
        return line.toString();
    }

    private static String summary(Throwable t) {
        StackTraceElement[] stack = t.getStackTrace();
        return t.getClass().getName() + ": " + LogText.printable(t.getMessage())
                + (stack.length == 0 ? "" : " (at " + stack[0] + ")");
    }
}
