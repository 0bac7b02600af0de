// SPDX-License-Identifier: Apache-2.0
package io.mypoll.driver.evdev;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mypoll.driver.HeaderProgram;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link InputAbi} against {@code <linux/input.h>}: a C program compiled now prints what the header says. */
class InputAbiTest {
    private static final String PROGRAM = """
            #include <stdio.h>
            #include <stddef.h>
            #include <linux/input.h>
            int main(void)
            {
                printf("size %zu\\n", sizeof(struct input_event));
                printf("sec %zu\\n", offsetof(struct input_event, input_event_sec));
                printf("usec %zu\\n", offsetof(struct input_event, input_event_usec));
                printf("type %zu\\n", offsetof(struct input_event, type));
                printf("code %zu\\n", offsetof(struct input_event, code));
                printf("value %zu\\n", offsetof(struct input_event, value));
                printf("eviocgversion %lu\\n", (unsigned long)EVIOCGVERSION);
                printf("eviocgrab %lu\\n", (unsigned long)EVIOCGRAB);
                printf("eviocsclockid %lu\\n", (unsigned long)EVIOCSCLOCKID);
                printf("eviocgname256 %lu\\n", (unsigned long)EVIOCGNAME(256));
                printf("syn_report %d\\nsyn_dropped %d\\nev_syn %d\\nev_key %d\\n", SYN_REPORT, SYN_DROPPED, EV_SYN,
                       EV_KEY);
                return 0;
            }
            """;
    private static Map<String, Long> header;

    @BeforeAll
    static void compileAndRun() throws Exception {
        header = HeaderProgram.run("input-abi", PROGRAM);
    }

    @Test
    void theEventLayoutEqualsTheHeader() {
        assertEquals(header.get("size"), (long) InputAbi.EVENT_SIZE);
        assertEquals(header.get("sec"), (long) InputAbi.OFFSET_SEC);
        assertEquals(header.get("usec"), (long) InputAbi.OFFSET_USEC);
        assertEquals(header.get("type"), (long) InputAbi.OFFSET_TYPE);
        assertEquals(header.get("code"), (long) InputAbi.OFFSET_CODE);
        assertEquals(header.get("value"), (long) InputAbi.OFFSET_VALUE);
    }

    @Test
    void ioctlNumbersAndSynCodesEqualTheHeader() {
        assertEquals(header.get("eviocgversion"), InputAbi.EVIOCGVERSION);
        assertEquals(header.get("eviocgrab"), InputAbi.EVIOCGRAB);
        assertEquals(header.get("eviocsclockid"), InputAbi.EVIOCSCLOCKID);
        assertEquals(header.get("eviocgname256"), InputAbi.eviocgname(256));
        assertEquals(header.get("syn_report"), (long) InputAbi.SYN_REPORT);
        assertEquals(header.get("syn_dropped"), (long) InputAbi.SYN_DROPPED);
        assertEquals(header.get("ev_syn"), (long) InputAbi.EV_SYN);
        assertEquals(header.get("ev_key"), (long) InputAbi.EV_KEY);
    }
}
