// SPDX-License-Identifier: Apache-2.0
package io.mypoll.driver.mypoll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Java mirror against DESIGN's table and against driver/kernel/mypoll.h as a C compiler sees it. */
class MypollAbiTest {
    private static final Path TOOLS = Path.of("tools").toAbsolutePath();
    private static Map<String, Long> header;

    /** Compiles and runs tools/abi_dump.c, which prints the header's sizes, offsets and numbers. */
    @BeforeAll
    static void dumpHeader() throws Exception {
        Path out = Path.of("target", "abi_dump").toAbsolutePath();
        Files.createDirectories(out.getParent());
        run("cc", "-Wall", "-Wextra", "-Werror", "-o", out.toString(), TOOLS.resolve("abi_dump.c").toString());
        header = new HashMap<>();
        for (String line : run(out.toString()).split("\n")) {
            String[] kv = line.split("=", 2);
            header.put(kv[0], Long.parseUnsignedLong(kv[1].trim()));
        }
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", command) + " did not finish");
        assertEquals(0, p.exitValue(), String.join(" ", command) + " failed:\n" + output);
        return output;
    }

    private static void assertHeader(String key, long javaValue) {
        assertTrue(header.containsKey(key), "abi_dump prints " + key);
        assertEquals(header.get(key), javaValue, key);
    }

    @Test
    void recordLayoutFollowsTheDesignTable() {
        assertEquals(64, MypollAbi.RECORD_SIZE);
        assertEquals(40, MypollAbi.PAYLOAD_MAX);
        assertEquals(0, MypollAbi.OFFSET_SEQ);
        assertEquals(8, MypollAbi.OFFSET_TS_NS);
        assertEquals(16, MypollAbi.OFFSET_TYPE);
        assertEquals(18, MypollAbi.OFFSET_LEN);
        assertEquals(20, MypollAbi.OFFSET_LOST);
        assertEquals(24, MypollAbi.OFFSET_PAYLOAD);
        assertEquals(MypollAbi.RECORD_SIZE, MypollAbi.OFFSET_PAYLOAD + MypollAbi.PAYLOAD_MAX, "no padding");
        assertEquals(1, EventType.TIMER.code());
        assertEquals(2, EventType.MANUAL.code());
        assertEquals(3, EventType.BURST.code());
        assertEquals(4, EventType.OVERRUN.code());
    }

    @Test
    void recordLayoutEqualsTheHeader() {
        assertHeader("record_size", MypollAbi.RECORD_SIZE);
        assertHeader("payload_max", MypollAbi.PAYLOAD_MAX);
        assertHeader("offset_seq", MypollAbi.OFFSET_SEQ);
        assertHeader("offset_ts_ns", MypollAbi.OFFSET_TS_NS);
        assertHeader("offset_type", MypollAbi.OFFSET_TYPE);
        assertHeader("offset_len", MypollAbi.OFFSET_LEN);
        assertHeader("offset_lost", MypollAbi.OFFSET_LOST);
        assertHeader("offset_payload", MypollAbi.OFFSET_PAYLOAD);
    }

    @Test
    void statsLayoutEqualsTheHeader() {
        assertHeader("stats_size", MypollAbi.STATS_SIZE);
        assertHeader("offset_generated", MypollAbi.OFFSET_GENERATED);
        assertHeader("offset_delivered", MypollAbi.OFFSET_DELIVERED);
        assertHeader("offset_stats_lost", MypollAbi.OFFSET_STATS_LOST);
        assertHeader("offset_queued", MypollAbi.OFFSET_QUEUED);
        assertHeader("offset_capacity", MypollAbi.OFFSET_CAPACITY);
        assertHeader("offset_readers", MypollAbi.OFFSET_READERS);
        assertHeader("offset_period_us", MypollAbi.OFFSET_PERIOD_US);
    }

    @Test
    void eventTypesEqualTheHeader() {
        assertHeader("ev_timer", EventType.TIMER.code());
        assertHeader("ev_manual", EventType.MANUAL.code());
        assertHeader("ev_burst", EventType.BURST.code());
        assertHeader("ev_overrun", EventType.OVERRUN.code());
    }

    @Test
    void ioctlNumbersEqualTheHeader() {
        assertHeader("ioc_get_period", MypollAbi.IOC_GET_PERIOD);
        assertHeader("ioc_set_period", MypollAbi.IOC_SET_PERIOD);
        assertHeader("ioc_burst", MypollAbi.IOC_BURST);
        assertHeader("ioc_get_stats", MypollAbi.IOC_GET_STATS);
        assertHeader("burst_max", MypollAbi.BURST_MAX);
    }

    @Test
    void aRecordEncodedInJavaDecodesToTheSameFields() {
        java.nio.ByteBuffer m = java.nio.ByteBuffer.allocateDirect(64).order(java.nio.ByteOrder.nativeOrder());
        byte[] payload = "abc".getBytes(StandardCharsets.UTF_8);
        MypollEvent.encode(m, 0, 42, 123456789L, EventType.MANUAL, 0, payload);
        MypollEvent e = MypollEvent.decode(m, 0, 123456999L);
        assertEquals(42, e.seq());
        assertEquals(123456789L, e.tsNs());
        assertEquals(EventType.MANUAL, e.type());
        assertEquals("abc", e.payloadText());
        assertEquals(0.21, e.latencyUs(), 1e-9);
    }
}
