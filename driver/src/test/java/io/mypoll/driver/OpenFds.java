package io.mypoll.driver;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** This process's open file descriptors, for leak checks. */
final class OpenFds {
    private OpenFds() {
    }

    /** fd number -> what it points at ("socket:[123]", "anon_inode:[eventfd]", a path). */
    static Map<String, String> snapshot() {
        Map<String, String> fds = new HashMap<>();
        String[] names = new File("/proc/self/fd").list();
        if (names != null) {
            for (String fd : names) {
                try {
                    fds.put(fd, Files.readSymbolicLink(Path.of("/proc/self/fd", fd)).toString());
                } catch (IOException e) {
                    // closed while listing (or the listing's own fd)
                }
            }
        }
        return fds;
    }

    /**
     * The fds open now that were not open at {@code before}. Other threads of
     * the JVM may close fds meanwhile, so only new ones count as leaks.
     */
    static Set<String> openedSince(Map<String, String> before) {
        Set<String> leaked = new TreeSet<>();
        snapshot().forEach((fd, target) -> {
            if (!target.equals(before.get(fd))) {
                leaked.add(fd + " -> " + target);
            }
        });
        return leaked;
    }
}
