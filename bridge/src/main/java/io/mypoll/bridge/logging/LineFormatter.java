package io.mypoll.bridge.logging;

import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.logging.Formatter;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;

/**
 * One line per record, whatever it holds: control characters escaped (a
 * payload or a client's frame cannot forge a line), and an exception as its
 * class, message and the frame it was thrown at. Full stack traces, for
 * debugging, with {@code io.mypoll.bridge.logging.LineFormatter.stackTraces=true}.
 */
public final class LineFormatter extends Formatter {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");
    private final boolean stackTraces = Boolean.parseBoolean(
            LogManager.getLogManager().getProperty(LineFormatter.class.getName() + ".stackTraces"));

    @Override
    public String format(LogRecord record) {
        StringBuilder line = new StringBuilder(160)
                .append(TIME.format(LocalDateTime.ofInstant(record.getInstant(), ZoneId.systemDefault())))
                .append(' ').append(String.format("%-7s", record.getLevel().getName()))
                .append(" [").append(record.getLoggerName()).append("] ")
                .append(LogText.withoutControls(formatMessage(record)));
        Throwable thrown = record.getThrown();
        if (thrown != null) {
            line.append(": ").append(summary(thrown));
            for (Throwable cause = thrown.getCause(); cause != null && cause != thrown; cause = cause.getCause()) {
                line.append("; caused by ").append(summary(cause));
            }
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
