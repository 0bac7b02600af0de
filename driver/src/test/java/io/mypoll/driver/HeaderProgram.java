// SPDX-License-Identifier: Apache-2.0
package io.mypoll.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * What a kernel header says, for checking a Java mirror of an ABI against it: a C program compiled now
 * (cc, which the test command installs) prints "name value" lines, read into a map.
 */
public final class HeaderProgram {
    private HeaderProgram() {
    }

    /** Compiles {@code source} as target/NAME/NAME.c, runs it, and returns its "name value" lines. */
    public static Map<String, Long> run(String name, String source) throws Exception {
        Path dir = Files.createDirectories(Path.of("target", name));
        Path program = dir.resolve(name);
        Files.writeString(dir.resolve(name + ".c"), source);
        Process cc = new ProcessBuilder("cc", "-Wall", "-Werror", "-o", program.toString(),
                dir.resolve(name + ".c").toString()).redirectErrorStream(true).start();
        String errors = new String(cc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, cc.waitFor(), "cc (the test command installs it): " + errors);
        Process run = new ProcessBuilder(program.toString()).start();
        Map<String, Long> values = new HashMap<>();
        for (String line : new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
            String[] kv = line.split(" ");
            values.put(kv[0], Long.parseLong(kv[1]));
        }
        assertEquals(0, run.waitFor());
        return values;
    }
}
