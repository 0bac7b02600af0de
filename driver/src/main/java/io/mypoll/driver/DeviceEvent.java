package io.mypoll.driver;

import com.sun.jna.Pointer;
import java.nio.charset.StandardCharsets;

/**
 * One decoded 64-byte record.
 *
 * @param readNs {@link System#nanoTime()} right after the read() that returned
 *               it; the same clock as {@code tsNs} (CLOCK_MONOTONIC)
 */
public record DeviceEvent(long seq, long tsNs, EventType type, int lost, byte[] payload, long readNs) {

    /** Decodes the record at {@code offset} of {@code buffer} (host byte order). */
    public static DeviceEvent decode(Pointer buffer, long offset, long readNs) {
        int len = Math.min(Short.toUnsignedInt(buffer.getShort(offset + MypollAbi.OFFSET_LEN)), MypollAbi.PAYLOAD_MAX);
        return new DeviceEvent(
                buffer.getLong(offset + MypollAbi.OFFSET_SEQ),
                buffer.getLong(offset + MypollAbi.OFFSET_TS_NS),
                EventType.of(Short.toUnsignedInt(buffer.getShort(offset + MypollAbi.OFFSET_TYPE))),
                buffer.getInt(offset + MypollAbi.OFFSET_LOST),
                buffer.getByteArray(offset + MypollAbi.OFFSET_PAYLOAD, len),
                readNs);
    }

    /** Encodes a record at {@code offset} of {@code buffer}; the payload is cut to 40 bytes. */
    public static void encode(Pointer buffer, long offset, long seq, long tsNs, EventType type, int lost,
                              byte[] payload) {
        int len = payload == null ? 0 : Math.min(payload.length, MypollAbi.PAYLOAD_MAX);
        buffer.setLong(offset + MypollAbi.OFFSET_SEQ, seq);
        buffer.setLong(offset + MypollAbi.OFFSET_TS_NS, tsNs);
        buffer.setShort(offset + MypollAbi.OFFSET_TYPE, (short) type.code());
        buffer.setShort(offset + MypollAbi.OFFSET_LEN, (short) len);
        buffer.setInt(offset + MypollAbi.OFFSET_LOST, lost);
        buffer.setMemory(offset + MypollAbi.OFFSET_PAYLOAD, MypollAbi.PAYLOAD_MAX, (byte) 0);
        if (len > 0) {
            buffer.write(offset + MypollAbi.OFFSET_PAYLOAD, payload, 0, len);
        }
    }

    /** The payload as UTF-8 text, invalid bytes replaced. */
    public String payloadText() {
        return new String(payload, StandardCharsets.UTF_8);
    }

    /** Microseconds from generation to read. */
    public double latencyUs() {
        return (readNs - tsNs) / 1000.0;
    }
}
