// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.device;

import com.sun.jna.Memory;
import io.mypoll.driver.evdev.InputAbi;
import io.mypoll.driver.linux.ErrnoException;
import io.mypoll.driver.linux.LibC;
import io.mypoll.driver.linux.NativeBuffers;
import java.nio.ByteBuffer;

/** A key press frame (KEY_A down, then the frame's end) written as the kernel writes input events. */
final class KeyPress {
    private KeyPress() {
    }

    /** Writes one press frame to {@code fd}, the far end of a socketpair an {@code EvdevDevice} reads. */
    static void writeTo(int fd) throws ErrnoException {
        Memory out = new Memory(2L * InputAbi.EVENT_SIZE);
        out.clear();
        ByteBuffer view = NativeBuffers.view(out);
        view.putShort(InputAbi.OFFSET_TYPE, (short) InputAbi.EV_KEY).putShort(InputAbi.OFFSET_CODE, (short) 30)
                .putInt(InputAbi.OFFSET_VALUE, 1);
        ErrnoException.check("write", LibC.write(fd, out, out.size()));
    }
}
