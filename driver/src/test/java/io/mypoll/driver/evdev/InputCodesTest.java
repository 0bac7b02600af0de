// SPDX-License-Identifier: Apache-2.0
package io.mypoll.driver.evdev;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Names from the kernel's input-event-codes.h, as the jar holds it. */
class InputCodesTest {
    private final InputCodes codes = InputCodes.builtIn();

    @Test
    void typesAndCodesHaveTheKernelsNames() {
        assertEquals("EV_KEY", codes.type(1));
        assertEquals("KEY_A", codes.code(1, 30));
        assertEquals("KEY_ENTER", codes.code(1, 28));
        assertEquals("BTN_LEFT", codes.code(1, 0x110));
        assertEquals("REL_X", codes.code(2, 0));
        assertEquals("ABS_Y", codes.code(3, 1));
        assertEquals("MSC_SCAN", codes.code(4, 4));
        assertEquals("SYN_REPORT", codes.code(0, 0));
    }

    @Test
    void aRangesMarkerAndAnAliasByNameDoNotReplaceTheCodesOwnName() {
        InputCodes parsed = InputCodes.parse("#define EV_KEY 0x01\n#define BTN_MOUSE 0x110\n#define BTN_LEFT 0x110\n"
                + "#define KEY_HANGEUL 122\n#define KEY_HANGUEL KEY_HANGEUL\n#define KEY_MAX 0x2ff\n");
        assertEquals("BTN_LEFT", parsed.code(1, 0x110));
        assertEquals("KEY_HANGEUL", parsed.code(1, 122));
        assertEquals("KEY_0x2ff", parsed.code(1, 0x2ff), "limits are not names");
    }

    @Test
    void anUnknownCodeIsItsNumber() {
        assertEquals("KEY_0x2fe", codes.code(1, 0x2fe));
        assertEquals("EV_0x1e", codes.type(0x1e));
    }
}
