// SPDX-License-Identifier: Apache-2.0
package io.mypoll.testkit.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a server costs, from /proc: CPU time (utime + stime of all its threads)
 * and peak resident memory (VmHWM) of its processes (the bridge's JVM;
 * websocketd and the reader it starts for each connection).
 */
final class ProcessStats {
    private ProcessStats() {
    }

    /** The kernel's clock ticks a second, the unit of utime and stime (USER_HZ, 100 on Linux). */
    static long clockTicksPerSecond() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (p.waitFor() == 0 && out.matches("\\d+")) {
                return Long.parseLong(out);
            }
        } catch (IOException e) {
            // below
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // USER_HZ is 100 on every Linux architecture this project builds for.
        return 100;
    }

    /** Each live process's utime + stime in clock ticks; a process that has ended is left out. */
    static Map<Long, Long> cpuTicks(List<Long> pids) throws IOException {
        Map<Long, Long> ticks = new HashMap<>();
        for (long pid : pids) {
            String[] fields = statFields(pid);
            if (fields != null) {
                // After "pid (comm) ": state is fields[0], utime fields[11], stime fields[12] (proc(5)).
                ticks.put(pid, Long.parseLong(fields[11]) + Long.parseLong(fields[12]));
            }
        }
        return ticks;
    }

    /** CPU seconds from {@code before} to {@code after}; a process started in between counts from its start. */
    static double cpuSecondsBetween(Map<Long, Long> before, Map<Long, Long> after, long ticksPerSecond) {
        long ticks = 0;
        for (Map.Entry<Long, Long> e : after.entrySet()) {
            ticks += e.getValue() - before.getOrDefault(e.getKey(), 0L);
        }
        return (double) ticks / ticksPerSecond;
    }

    /** The sum of the processes' peak resident memory (VmHWM), in KiB; ended processes are left out. */
    static long peakResidentKb(List<Long> pids) throws IOException {
        long kb = 0;
        for (long pid : pids) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                    if (line.startsWith("VmHWM:")) {
                        kb += Long.parseLong(line.replaceAll("[^0-9]", ""));
                    }
                }
            } catch (IOException e) {
                // Ended, or ending: reading a dying process's files fails with ESRCH.
            }
        }
        return kb;
    }

    /** The fields of /proc/PID/stat after "pid (comm) ", whose comm may hold spaces; null if it ended. */
    private static String[] statFields(long pid) throws IOException {
        String stat;
        try {
            stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        } catch (IOException e) {
            // Ended, or ending: reading a dying process's files fails with ESRCH.
            return null;
        }
        return stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
    }
}
