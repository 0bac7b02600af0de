// SPDX-License-Identifier: Apache-2.0
package io.mypoll.driver.linux;

import com.sun.jna.Memory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Views of native buffers in host byte order, as device ABIs lay out their records. */
public final class NativeBuffers {
    private NativeBuffers() {
    }

    /** Plain Java reads and writes of the memory, with no JNI call per field. */
    public static ByteBuffer view(Memory memory) {
        return memory.getByteBuffer(0, memory.size()).order(ByteOrder.nativeOrder());
    }
}
