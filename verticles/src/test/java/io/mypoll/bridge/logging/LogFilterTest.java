// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class LogFilterTest {
    private static final long MINUTE_NS = 60_000_000_000L;
    private final AtomicLong now = new AtomicLong(1_000);
    private final LogFilter filter = new LogFilter(now::get);

    private static LogRecord record(String logger, Level level, String message, Object... parameters) {
        LogRecord record = new LogRecord(level, message);
        record.setLoggerName(logger);
        record.setParameters(parameters.length == 0 ? null : parameters);
        return record;
    }

    private long logged(int count, java.util.function.IntFunction<LogRecord> records) {
        return IntStream.range(0, count).mapToObj(records).filter(filter::isLoggable).count();
    }

    @Test
    void clientTextAfterAFixedMessageIsLimitedAsOneTemplate() {
        long logged = logged(1_000, i -> record("vertx.Bridge", Level.SEVERE,
                "Invalid type in incoming message: x" + i + "y".repeat(i)));
        assertEquals(LogFilter.PER_MINUTE, logged);
    }

    @Test
    void distinctParametersOfOnePatternAreLimitedAsOneTemplate() {
        long logged = logged(1_000, i -> record("bridge.Device", Level.WARNING, "device {0} lost {1} events",
                "d" + i, i));
        assertEquals(LogFilter.PER_MINUTE, logged);
    }

    @Test
    void distinctPatternsOfOneLoggerAreLimitedApart() {
        assertEquals(LogFilter.PER_MINUTE, logged(100, i -> record("l", Level.WARNING, "device {0} is missing", i)));
        assertEquals(LogFilter.PER_MINUTE, logged(100, i -> record("l", Level.WARNING, "device {0} closed", i)));
    }

    @Test
    void micrometersWarningOfAGaugeRegisteredAgainIsLeftOut() {
        assertFalse(filter.isLoggable(record("io.micrometer.core.instrument.MeterRegistry", Level.WARNING,
                "This Gauge has been already registered (MeterId{name='vertx.eventbus.handlers', tags=[]}), "
                        + "the registration will be ignored.")));
        assertTrue(filter.isLoggable(record("io.micrometer.core.instrument.MeterRegistry", Level.WARNING,
                "another warning of the registry")));
    }

    @Test
    void infoIsNotLimited() {
        assertEquals(1_000, logged(1_000, i -> record("l", Level.INFO, "serving {0}", i)));
    }

    @Test
    void allWarningsTogetherAreLimitedWhateverTheirTemplates() {
        long logged = logged(1_000, i -> record("logger" + i, Level.WARNING, "a warning"));
        assertEquals(LogFilter.ALL_PER_MINUTE, logged);
    }

    @Test
    void theTemplatesRememberedAreBounded() {
        logged(10_000, i -> record("logger" + i, Level.WARNING, "a warning"));
        assertEquals(LogFilter.MAX_TEMPLATES, filter.templates());
    }

    @Test
    void theFirstLineOfANewMinuteSaysHowManyWereLeftOut() {
        logged(25, i -> record("l", Level.WARNING, "frame refused: {0}", i));
        now.addAndGet(MINUTE_NS);
        LogRecord next = record("l", Level.WARNING, "frame refused: {0}", "again");
        assertTrue(filter.isLoggable(next));
        assertEquals("frame refused: {0} (15 more like it left out)", next.getMessage());
    }

    @Test
    void theFirstLineAfterTheLimitOfAllSaysHowManyWereLeftOutInAll() {
        logged(100, i -> record("logger" + i, Level.WARNING, "a warning"));
        now.addAndGet(MINUTE_NS);
        LogRecord next = record("another", Level.WARNING, "a warning");
        assertTrue(filter.isLoggable(next));
        assertEquals("a warning (40 warnings and errors left out in all)", next.getMessage());
    }

    @Test
    void aChainOfCausesThatLoopsIsLogged() {
        RuntimeException a = new RuntimeException("a");
        RuntimeException b = new RuntimeException("b", a);
        a.initCause(b);
        LogRecord record = record("l", Level.SEVERE, "failed");
        record.setThrown(a);
        assertTrue(filter.isLoggable(record));
    }

    @Test
    void aPeerThatWentAwayIsNotLogged() {
        LogRecord reset = record("l", Level.SEVERE, "oops");
        reset.setThrown(new IOException("Connection reset by peer"));
        assertFalse(filter.isLoggable(reset));
    }

    @Test
    void aSockJsSessionWhosePeerClosedIsNotLogged() {
        LogRecord closed = record("io.vertx.ext.web.handler.sockjs.impl.EventBusBridgeImpl", Level.SEVERE,
                "SockJSSocket exception");
        closed.setThrown(new io.vertx.core.http.HttpClosedException("Connection was closed"));
        assertFalse(filter.isLoggable(closed));
    }
}
