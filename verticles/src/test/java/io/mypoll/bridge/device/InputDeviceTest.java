// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Memory;
import io.mypoll.bridge.contract.Addresses;
import io.mypoll.driver.evdev.EvdevDevice;
import io.mypoll.driver.evdev.InputAbi;
import io.mypoll.driver.linux.ErrnoException;
import io.mypoll.driver.linux.LibC;
import io.mypoll.driver.linux.NativeBuffers;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** An input device's frames on the bus, from input_event records written as the kernel writes them. */
@ExtendWith(VertxExtension.class)
class InputDeviceTest {
    private static final int EV_KEY = 1;
    private static final int KEY_A = 30;
    private static final int KEY_LEFTSHIFT = 42;
    private int far = -1;

    private DeviceFixture start(Vertx vertx) throws Exception {
        int[] pair = new int[2];
        ErrnoException.check("socketpair", LibC.socketpair(LibC.AF_UNIX, LibC.SOCK_SEQPACKET | LibC.SOCK_CLOEXEC, 0,
                pair));
        far = pair[1];
        return new DeviceFixture(vertx).device("d", 0)
                .device(EvdevDevice.over("kbd", "recorded", pair[0])).start("poll");
    }

    /** Records of {type, code, value}, all at 5.000250 s. */
    private void kernelWrites(int[]... records) throws ErrnoException {
        Memory out = new Memory((long) records.length * InputAbi.EVENT_SIZE);
        ByteBuffer view = NativeBuffers.view(out);
        for (int i = 0; i < records.length; i++) {
            int at = i * InputAbi.EVENT_SIZE;
            view.putLong(at + InputAbi.OFFSET_SEC, 5).putLong(at + InputAbi.OFFSET_USEC, 250)
                    .putShort(at + InputAbi.OFFSET_TYPE, (short) records[i][0])
                    .putShort(at + InputAbi.OFFSET_CODE, (short) records[i][1])
                    .putInt(at + InputAbi.OFFSET_VALUE, records[i][2]);
        }
        ErrnoException.check("write", LibC.write(far, out, out.size()));
    }

    @AfterEach
    void closeFarEnd() {
        if (far >= 0) {
            LibC.close(far);
        }
    }

    @Test
    void aFrameIsOneEventWithTheKernelsNamesAndTheKeysAction(Vertx vertx) throws Exception {
        DeviceFixture bridge = start(vertx);
        kernelWrites(new int[] {EV_KEY, KEY_LEFTSHIFT, 1}, new int[] {EV_KEY, KEY_A, 1},
                new int[] {InputAbi.EV_SYN, InputAbi.SYN_REPORT, 0});
        JsonObject frame = bridge.nextEvent("input", 5_000);
        assertEquals("kbd", frame.getString("device"));
        assertEquals(1, frame.getLong("seq"));
        assertEquals(5_000_250_000L, frame.getLong("tsNs"));
        assertEquals(new JsonArray()
                .add(new JsonObject().put("type", "EV_KEY").put("code", "KEY_LEFTSHIFT").put("value", 1)
                        .put("action", "press"))
                .add(new JsonObject().put("type", "EV_KEY").put("code", "KEY_A").put("value", 1)
                        .put("action", "press")), frame.getJsonArray("events"));
    }

    @Test
    void droppedEventsAreAnOverrunOfUnknownSize(Vertx vertx) throws Exception {
        DeviceFixture bridge = start(vertx);
        kernelWrites(new int[] {EV_KEY, KEY_A, 1}, new int[] {InputAbi.EV_SYN, InputAbi.SYN_DROPPED, 0});
        JsonObject overrun = bridge.nextEvent("overrun", 5_000);
        assertTrue(overrun.containsKey("lost") && overrun.getValue("lost") == null, overrun.encode());
    }

    @Test
    void anInputDeviceTakesNoTriggers(Vertx vertx) throws Exception {
        DeviceFixture bridge = start(vertx);
        ReplyException e = bridge.failure(Addresses.trigger("kbd"), new JsonObject().put("payload", "x"));
        assertEquals(400, e.failureCode());
        assertEquals("device kbd of type evdev takes no triggers", e.getMessage());
    }

    @Test
    void theDeviceListSaysWhichDevicesTakeTriggers(Vertx vertx) throws Exception {
        start(vertx);
        JsonArray devices = vertx.eventBus().<JsonArray>request(Addresses.DEVICES, null).await().body();
        assertEquals("evdev", devices.getJsonObject(1).getString("type"));
        assertEquals(true, devices.getJsonObject(0).getBoolean("triggers"), devices.encode());
        assertEquals(false, devices.getJsonObject(1).getBoolean("triggers"), devices.encode());
    }
}
