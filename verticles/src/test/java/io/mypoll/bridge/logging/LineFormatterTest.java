// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class LineFormatterTest {
    private final LineFormatter formatter = new LineFormatter();

    private String line(LogRecord record) {
        String formatted = formatter.format(record);
        assertTrue(formatted.endsWith(System.lineSeparator()), formatted);
        String line = formatted.substring(0, formatted.length() - System.lineSeparator().length());
        assertFalse(line.contains("\n") || line.contains("\r"), line);
        return line;
    }

    private static LogRecord record(String message, Object... parameters) {
        LogRecord record = new LogRecord(Level.SEVERE, message);
        record.setLoggerName("io.vertx.Bridge");
        record.setParameters(parameters.length == 0 ? null : parameters);
        return record;
    }

    @Test
    void aLongMessageIsCutToTheBoundWithAMark() {
        String line = line(record("Invalid type in incoming message: " + "y".repeat(50_000)));
        assertEquals(LineFormatter.MAX_LINE, line.length());
        assertTrue(line.endsWith("y" + LineFormatter.CUT), line);
    }

    @Test
    void aLongParameterIsCutToTheBound() {
        String line = line(record("frame refused: {0}", "z\n".repeat(50_000)));
        assertEquals(LineFormatter.MAX_LINE, line.length());
        assertTrue(line.contains("z\\x0az\\x0a"), line);
    }

    @Test
    void aLongExceptionSummaryIsCutToTheBound() {
        LogRecord record = record("Unhandled exception in router");
        Throwable thrown = new IllegalStateException("outer");
        for (int i = 0; i < 50; i++) {
            thrown = new RuntimeException("cause " + i + " " + "w".repeat(150), thrown);
        }
        record.setThrown(thrown);
        String line = line(record);
        assertEquals(LineFormatter.MAX_LINE, line.length());
        assertTrue(line.endsWith(LineFormatter.CUT), line);
    }

    @Test
    void aChainOfCausesThatLoopsEndsAtTheBound() {
        RuntimeException b = new RuntimeException("b");
        RuntimeException c = new RuntimeException("c", b);
        b.initCause(c);
        RuntimeException a = new RuntimeException("a", b);
        LogRecord record = record("failed");
        record.setThrown(a);
        assertEquals(LineFormatter.MAX_LINE, line(record).length());
    }

    @Test
    void aShortLineIsWholeAndItsControlCharactersEscaped() {
        String line = line(record("payload \"{0}\"", "x\u001b[31m\r"));
        assertTrue(line.endsWith("[io.vertx.Bridge] payload \"x\\x1b[31m\\x0d\""), line);
    }

    @Test
    void aCutDoesNotSplitASurrogatePair() {
        String line = line(record("\uD83D\uDE00".repeat(2_000)));
        String kept = line.substring(0, line.length() - LineFormatter.CUT.length());
        assertFalse(Character.isHighSurrogate(kept.charAt(kept.length() - 1)), line);
    }
}
