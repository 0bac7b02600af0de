// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every source file of the repository says its license in an SPDX line near
 * its top: the kernel module's are GPL-2.0 (it uses GPL-only symbols), the
 * C tools' GPL-2.0 or Apache-2.0, the rest Apache-2.0.
 */
class LicenseIdentifierTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    /** Files that cannot hold a comment, or are licenses, data or Debian control files. */
    private static final Set<String> NOT_SOURCE = Set.of("md", "json", "png", "gitignore", "LICENSE", "COPYING",
            "control", "copyright", "conffiles");

    @Test
    void everySourceFileCarriesTheSpdxIdentifierOfItsPart() throws Exception {
        List<String> files = trackedFiles();
        assertTrue(files.size() > 200, "files tracked: " + files.size());
        List<String> wrong = new ArrayList<>();
        for (String file : files) {
            String name = file.substring(file.lastIndexOf('/') + 1);
            String kind = name.contains(".") ? name.substring(name.lastIndexOf('.') + 1) : name;
            if (NOT_SOURCE.contains(kind)) {
                continue;
            }
            List<String> allowed = file.startsWith("driver/kernel/") ? List.of("GPL-2.0")
                    // The C tools were written beside the module; some took its license.
                    : file.startsWith("driver/tools/") ? List.of("Apache-2.0", "GPL-2.0") : List.of("Apache-2.0");
            String found = identifier(ROOT.resolve(file));
            if (found == null || allowed.stream().noneMatch(l -> found.equals(l) || found.startsWith(l + " WITH "))) {
                wrong.add(file + ": " + (found == null ? "no SPDX-License-Identifier" : found));
            }
        }
        assertEquals(List.of(), wrong, "files whose license is not stated as their part's");
    }

    /** The identifier in the first five lines, or null. */
    private static String identifier(Path file) throws IOException {
        List<String> head = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
        for (String line : head.subList(0, Math.min(5, head.size()))) {
            int at = line.indexOf("SPDX-License-Identifier:");
            if (at >= 0) {
                return line.substring(at + 24).replaceAll("\\s*(\\*/|-->)\\s*$", "").trim();
            }
        }
        return null;
    }

    /** The files git tracks: what a clone has, without build output or npm's downloads. */
    private static List<String> trackedFiles() throws Exception {
        Process git = new ProcessBuilder("git", "ls-files").directory(ROOT.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        List<String> files = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        assertEquals(0, git.waitFor(), "git ls-files in " + ROOT);
        return files;
    }
}
