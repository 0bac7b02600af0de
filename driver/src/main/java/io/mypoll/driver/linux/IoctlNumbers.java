// SPDX-License-Identifier: Apache-2.0
package io.mypoll.driver.linux;

/** The ioctl request numbers of asm-generic/ioctl.h: direction in bits 30-31, size 16-29, type 8-15, number 0-7. */
public final class IoctlNumbers {
    private static final int NONE = 0;
    private static final int WRITE = 1;
    private static final int READ = 2;

    private IoctlNumbers() {
    }

    public static long ioc(int dir, int type, int nr, int size) {
        return ((long) dir << 30) | ((long) size << 16) | ((long) type << 8) | nr;
    }

    /** {@code _IO(type, nr)}: no argument. */
    public static long io(int type, int nr) {
        return ioc(NONE, type, nr, 0);
    }

    /** {@code _IOR(type, nr, size)}: the kernel writes {@code size} bytes to the argument. */
    public static long ior(int type, int nr, int size) {
        return ioc(READ, type, nr, size);
    }

    /** {@code _IOW(type, nr, size)}: the kernel reads {@code size} bytes from the argument. */
    public static long iow(int type, int nr, int size) {
        return ioc(WRITE, type, nr, size);
    }

    /** {@code _IOWR(type, nr, size)}: the kernel reads the argument and writes its answer into it. */
    public static long iowr(int type, int nr, int size) {
        return ioc(WRITE | READ, type, nr, size);
    }
}
