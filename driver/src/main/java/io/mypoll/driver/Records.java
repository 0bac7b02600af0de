package io.mypoll.driver;

import com.sun.jna.Memory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Views of native record buffers, in host byte order as the ABI says. */
final class Records {
    private Records() {
    }

    static ByteBuffer view(Memory memory) {
        return memory.getByteBuffer(0, memory.size()).order(ByteOrder.nativeOrder());
    }
}
