// SPDX-License-Identifier: Apache-2.0
package io.mypoll.driver.linux;

import java.nio.charset.StandardCharsets;

/**
 * A {@code struct sockaddr_un} as bytes, for {@link LibC#bind} and
 * {@link LibC#sendto}: a path, or an abstract name written {@code @name},
 * as systemd (in {@code $NOTIFY_SOCKET}) and ss(8) write it.
 */
public final class SockaddrUn {
    private static final int PATH_OFFSET = 2;

    private final byte[] bytes;

    private SockaddrUn(byte[] bytes) {
        this.bytes = bytes;
    }

    /**
     * @throws IllegalArgumentException for an empty name, or one longer than sun_path holds
     */
    public static SockaddrUn of(String name) {
        boolean abstractName = name.startsWith("@");
        byte[] path = (abstractName ? name.substring(1) : name).getBytes(StandardCharsets.UTF_8);
        // A path ends with a NUL inside sun_path; an abstract name starts with one and has no end mark.
        int length = PATH_OFFSET + 1 + path.length;
        if (path.length == 0 || length > LibC.SOCKADDR_UN_SIZE) {
            throw new IllegalArgumentException("not a Unix socket address of 1 to "
                    + (LibC.SOCKADDR_UN_SIZE - PATH_OFFSET - 1) + " bytes: '" + name + "'");
        }
        byte[] bytes = new byte[length];
        bytes[0] = (byte) LibC.AF_UNIX; // sa_family_t, little-endian on every ABI the bridge runs on
        System.arraycopy(path, 0, bytes, PATH_OFFSET + (abstractName ? 1 : 0), path.length);
        return new SockaddrUn(bytes);
    }

    /** The structure, to pass with {@link #length()}. */
    public byte[] bytes() {
        return bytes;
    }

    public int length() {
        return bytes.length;
    }
}
