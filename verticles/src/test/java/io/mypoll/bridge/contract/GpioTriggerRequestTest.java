// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class GpioTriggerRequestTest {
    private static String refused(String body) {
        ReplyException e = assertThrows(ReplyException.class, () -> GpioTriggerRequest.parse(new JsonObject(body)));
        assertEquals(ReplyCodes.BAD_REQUEST, e.failureCode());
        return e.getMessage();
    }

    @Test
    void aLineIsGivenByNameOrOffsetAndAValueBy01OrABoolean() {
        assertEquals(new GpioTriggerRequest("led", true), GpioTriggerRequest.parse(new JsonObject("{\"line\": \"led\", \"value\": 1}")));
        assertEquals(new GpioTriggerRequest("17", false), GpioTriggerRequest.parse(new JsonObject("{\"line\": 17, \"value\": false}")));
    }

    @Test
    void aValueOtherThanZeroOrOneIsRefused() {
        assertEquals("value must be 0 or 1 (or false or true), as in " + GpioTriggerRequest.EXPECTED + ", not 2",
                refused("{\"line\": \"led\", \"value\": 2}"));
        assertEquals("value must be 0 or 1 (or false or true), as in " + GpioTriggerRequest.EXPECTED + ", not missing",
                refused("{\"line\": \"led\"}"));
    }

    @Test
    void aMissingLineIsRefused() {
        assertEquals("line must be the line's name or offset, as in " + GpioTriggerRequest.EXPECTED + ", not missing",
                refused("{\"value\": 1}"));
    }

    @Test
    void aMypollPayloadSentToAGpioDeviceIsRefusedNamingTheKey() {
        assertEquals("line must be the line's name or offset, as in " + GpioTriggerRequest.EXPECTED + ", not missing",
                refused("{\"payload\": \"x\"}"));
        assertEquals("unknown key 'payload'; expected " + GpioTriggerRequest.EXPECTED,
                refused("{\"line\": 1, \"value\": 1, \"payload\": \"x\"}"));
    }
}
