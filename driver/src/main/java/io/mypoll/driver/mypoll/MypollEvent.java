// SPDX-License-Identifier: Apache-2.0
package io.mypoll.driver.mypoll;

import io.mypoll.driver.DeviceEvent;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * One decoded 64-byte {@code struct mypoll_event}.
 *
 * @param readNs {@link System#nanoTime()} right after the read() that returned
 *               it; the same clock as {@code tsNs} (CLOCK_MONOTONIC)
 */
public record MypollEvent(long seq, long tsNs, EventType type, long lost, byte[] payload, long readNs)
        implements DeviceEvent {

    private static final byte[] NO_PAYLOAD = new byte[0];
    private static final byte[] ZEROS = new byte[MypollAbi.PAYLOAD_MAX];

    /**
     * Decodes the record at {@code offset} of {@code buffer}, a view of native
     * memory in host byte order (plain Java reads, no JNI call per field).
     */
    public static MypollEvent decode(ByteBuffer buffer, int offset, long readNs) {
        int len = Math.min(Short.toUnsignedInt(buffer.getShort(offset + MypollAbi.OFFSET_LEN)), MypollAbi.PAYLOAD_MAX);
        byte[] payload = NO_PAYLOAD;
        if (len > 0) {
            payload = new byte[len];
            buffer.get(offset + MypollAbi.OFFSET_PAYLOAD, payload);
        }
        return new MypollEvent(
                buffer.getLong(offset + MypollAbi.OFFSET_SEQ),
                buffer.getLong(offset + MypollAbi.OFFSET_TS_NS),
                EventType.of(Short.toUnsignedInt(buffer.getShort(offset + MypollAbi.OFFSET_TYPE))),
                Integer.toUnsignedLong(buffer.getInt(offset + MypollAbi.OFFSET_LOST)),
                payload,
                readNs);
    }

    /** Encodes a record at {@code offset} of {@code buffer} (host byte order); the payload is cut to 40 bytes. */
    public static void encode(ByteBuffer buffer, int offset, long seq, long tsNs, EventType type, int lost,
                              byte[] payload) {
        int len = payload == null ? 0 : Math.min(payload.length, MypollAbi.PAYLOAD_MAX);
        buffer.putLong(offset + MypollAbi.OFFSET_SEQ, seq);
        buffer.putLong(offset + MypollAbi.OFFSET_TS_NS, tsNs);
        buffer.putShort(offset + MypollAbi.OFFSET_TYPE, (short) type.code());
        buffer.putShort(offset + MypollAbi.OFFSET_LEN, (short) len);
        buffer.putInt(offset + MypollAbi.OFFSET_LOST, lost);
        buffer.put(offset + MypollAbi.OFFSET_PAYLOAD, ZEROS);
        if (len > 0) {
            buffer.put(offset + MypollAbi.OFFSET_PAYLOAD, payload, 0, len);
        }
    }

    /** The payload as UTF-8 text, invalid bytes replaced. */
    public String payloadText() {
        return new String(payload, StandardCharsets.UTF_8);
    }

    @Override
    public String typeName() {
        return type.label();
    }
}
