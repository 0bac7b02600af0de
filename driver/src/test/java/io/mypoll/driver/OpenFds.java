// SPDX-License-Identifier: Apache-2.0
package io.mypoll.driver;

import static org.awaitility.Awaitility.await;

import io.mypoll.driver.linux.LibC;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.awaitility.core.ConditionTimeoutException;

/** This process's open file descriptors, for leak checks. */
public final class OpenFds {
    private OpenFds() {
    }

    /**
     * fd number -> what it points at ("socket:[123]", "anon_inode:[eventfd]",
     * a path), but cgroup and /proc files. The JVM's fds that open once, on
     * first use, and stay open for its life are open before the first
     * snapshot (see {@link #openForLife}), whichever test runs first.
     */
    public static Map<String, String> snapshot() {
        openForLife();
        return list();
    }

    /**
     * Makes the JVM open now what it opens on first use and never closes, so
     * that a snapshot does not count it as the code under test's: JNA's
     * first load (the temporary name of its library comes from SecureRandom,
     * which keeps /dev/random and /dev/urandom open; libffi keeps the file of
     * its trampolines, deleted, open) and NIO's first file channel (its
     * FileDispatcherImpl keeps one end of a socketpair for closing fds
     * asynchronously). A leak check's own reads of /proc make the latter, so
     * without this the first leak check of a JVM finds "socket:[...]".
     */
    private static synchronized void openForLife() {
        if (openedForLife) {
            return;
        }
        try {
            LibC.gettid();
            Files.readString(Path.of("/proc/self/stat"));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/self/stat", e);
        }
        openedForLife = true;
    }

    private static boolean openedForLife;

    private static Map<String, String> list() {
        Map<String, String> fds = new HashMap<>();
        String[] names = new File("/proc/self/fd").list();
        if (names != null) {
            for (String fd : names) {
                try {
                    String target = Files.readSymbolicLink(Path.of("/proc/self/fd", fd)).toString();
                    // The JVM's own reads of its cgroup limits and /proc; the code under test opens no such file.
                    if (!target.startsWith("/sys/fs/cgroup/") && !target.startsWith("/proc/")) {
                        fds.put(fd, target);
                    }
                } catch (IOException e) {
                    // closed while listing (or the listing's own fd)
                }
            }
        }
        return fds;
    }

    /**
     * The fds open now that were not open at {@code before}, and still open
     * after up to 10 s. Other threads of the JVM open and close files of their
     * own meanwhile (the JVM reads its cgroup limits, for one), and may close
     * fds, so only new fds that stay open count as leaks; the wait ends as soon
     * as none is left.
     */
    public static Set<String> openedSince(Map<String, String> before) {
        Set<String> leaked = newSince(before);
        try {
            await().pollInSameThread().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> {
                leaked.retainAll(newSince(before));
                return leaked.isEmpty();
            });
        } catch (ConditionTimeoutException stillOpen) {
            // what is left is the leak, for the caller's assertion to name
        }
        return leaked;
    }

    private static Set<String> newSince(Map<String, String> before) {
        Set<String> opened = new TreeSet<>();
        list().forEach((fd, target) -> {
            if (!target.equals(before.get(fd))) {
                opened.add(fd + " -> " + target);
            }
        });
        return opened;
    }
}
