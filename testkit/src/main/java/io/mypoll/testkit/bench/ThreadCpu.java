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
                    String comm = Files.readString(task.resolve("comm")).trim();
                    long cpuNs = Long.parseLong(Files.readString(task.resolve("schedstat")).trim().split(" ")[0]);
                    long voluntary = 0;
                    long involuntary = 0;
                    for (String line : Files.readAllLines(task.resolve("status"))) {
                        if (line.startsWith("voluntary_ctxt_switches:")) {
                            voluntary = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                        } else if (line.startsWith("nonvoluntary_ctxt_switches:")) {
                            involuntary = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                        }
                    }
                    Use sum = jobs.get(job(comm));
                    jobs.put(job(comm), new Use(sum.cpuNs + cpuNs, sum.voluntary + voluntary,
                            sum.involuntary + involuntary));
                } catch (NoSuchFileException e) {
                    // The thread ended while it was read.
                }
            }
        }
        return jobs;
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
