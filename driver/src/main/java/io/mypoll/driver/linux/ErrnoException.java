// SPDX-License-Identifier: Apache-2.0
package io.mypoll.driver.linux;

import java.io.IOException;

/** A failed libc call, with its errno. */
public final class ErrnoException extends IOException {
    private final int errno;

    public ErrnoException(String call, int errno) {
        super(call + ": " + LibC.strerror(errno) + " (errno " + errno + ")");
        this.errno = errno;
    }

    public int errno() {
        return errno;
    }

    /** Throws for a negative libc result, naming the call; returns the result otherwise. */
    public static int check(String call, int result) throws ErrnoException {
        if (result < 0) {
            throw new ErrnoException(call, LibC.errno());
        }
        return result;
    }

    public static long check(String call, long result) throws ErrnoException {
        if (result < 0) {
            throw new ErrnoException(call, LibC.errno());
        }
        return result;
    }
}
