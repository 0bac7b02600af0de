// SPDX-License-Identifier: Apache-2.0
package io.mypoll.testkit.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU time of this JVM's threads, summed by the job the thread does, from
 * {@code /proc/self/task/*}: {@code schedstat}'s time on the CPU in
 * nanoseconds, and the context switches of {@code status}.
 */
final class ThreadCpu {
    /** The jobs in the order they are printed. */
    static final String[] JOBS = {"device loop", "emulator producer", "event loops", "workers", "other"};

    /** Per job: nanoseconds on the CPU, voluntary and involuntary context switches. */
    record Use(long cpuNs, long voluntary, long involuntary) {
        Use minus(Use before) {
            return new Use(cpuNs - before.cpuNs, voluntary - before.voluntary, involuntary - before.involuntary);
        }

        Use plus(Use other) {
            return new Use(cpuNs + other.cpuNs, voluntary + other.voluntary, involuntary + other.involuntary);
        }
    }

    private ThreadCpu() {
    }

    static Map<String, Use> byJob() throws IOException {
        Map<String, Use> jobs = new LinkedHashMap<>();
        for (String job : JOBS) {
            jobs.put(job, new Use(0, 0, 0));
        }
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    jobs.merge(job(Files.readString(task.resolve("comm")).trim()), of(task), Use::plus);
                } catch (NoSuchFileException e) {
                    // The thread ended while it was read.
                }
            }
        }
        return jobs;
    }

    /** One thread's use so far: {@code task} is its {@code /proc/self/task/<tid>}. */
    static Use of(Path task) throws IOException {
        long cpuNs = Long.parseLong(Files.readString(task.resolve("schedstat")).trim().split(" ")[0]);
        long voluntary = -1;
        long involuntary = -1;
        for (String line : Files.readAllLines(task.resolve("status"))) {
            if (line.startsWith("voluntary_ctxt_switches:")) {
                voluntary = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
            } else if (line.startsWith("nonvoluntary_ctxt_switches:")) {
                involuntary = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        if (voluntary < 0 || involuntary < 0) {
            throw new IllegalStateException("no context switch counts in " + task.resolve("status"));
        }
        return new Use(cpuNs, voluntary, involuntary);
    }

    /** {@code after - before}, job by job. */
    static Map<String, Use> since(Map<String, Use> before) throws IOException {
        Map<String, Use> after = byJob();
        after.replaceAll((job, use) -> use.minus(before.get(job)));
        return after;
    }

    /** Thread names are cut to 15 bytes in comm. */
    private static String job(String comm) {
        if (comm.equals("device-loop")) {
            return "device loop";
        } else if (comm.startsWith("mypoll-emulator") || comm.equals("java")) {
            // The main thread ("java") calls burst(), which writes what fits before the producer thread
            // takes over.
            return "emulator producer";
        } else if (comm.startsWith("vert.x-eventloo")) {
            return "event loops";
        } else if (comm.startsWith("vert.x-worker")) {
            return "workers";
        }
        return "other";
    }
}
