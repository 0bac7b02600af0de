// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The relative links of Markdown pages, and which of them lead nowhere: a
 * file that does not exist, or an anchor that no heading of its page makes
 * (anchors as GitHub makes them from headings).
 */
final class MarkdownLinks {
    private static final Pattern LINK = Pattern.compile("\\[([^\\]]*)\\]\\(([^)\\s]+)\\)");
    private static final Pattern CODE_SPAN = Pattern.compile("`[^`]*`");
    private static final Pattern HEADING = Pattern.compile("#{1,6} (.*)");

    private final Map<Path, Set<String>> anchorsByPage = new HashMap<>();

    /** Every link of {@code page} that leads nowhere, each as "page:line: target (why)". */
    List<String> broken(Path page) {
        List<String> broken = new ArrayList<>();
        List<String> lines = outsideCodeBlocks(page);
        for (int i = 0; i < lines.size(); i++) {
            Matcher link = LINK.matcher(CODE_SPAN.matcher(lines.get(i)).replaceAll(""));
            while (link.find()) {
                String target = link.group(2);
                if (target.matches("[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
                    continue; // http:, https:, mailto: leave the repository
                }
                String why = why(page, target);
                if (why != null) {
                    broken.add(page + ":" + (i + 1) + ": " + target + " (" + why + ")");
                }
            }
        }
        return broken;
    }

    private String why(Path page, String target) {
        int hash = target.indexOf('#');
        String file = hash < 0 ? target : target.substring(0, hash);
        Path linked = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
        if (!Files.exists(linked)) {
            return "no such file";
        }
        if (hash < 0) {
            return null;
        }
        if (!linked.toString().endsWith(".md")) {
            return "an anchor in a file that is not Markdown";
        }
        String anchor = target.substring(hash + 1);
        return anchors(linked).contains(anchor) ? null : "no heading makes #" + anchor;
    }

    /** The anchors GitHub gives a page's headings: a repeated one gets -1, -2, ... */
    Set<String> anchors(Path page) {
        return anchorsByPage.computeIfAbsent(page, p -> {
            Set<String> anchors = new HashSet<>();
            Map<String, Integer> seen = new HashMap<>();
            for (String line : outsideCodeBlocks(p)) {
                Matcher heading = HEADING.matcher(line);
                if (heading.matches()) {
                    String slug = slug(heading.group(1));
                    int n = seen.merge(slug, 1, Integer::sum) - 1;
                    anchors.add(n == 0 ? slug : slug + "-" + n);
                }
            }
            return anchors;
        });
    }

    static String slug(String heading) {
        return heading.trim().toLowerCase().replaceAll("[^\\p{L}\\p{N}_\\- ]", "").replace(' ', '-');
    }

    /** The page's lines, with those inside fenced code blocks blanked (their # are not headings). */
    private static List<String> outsideCodeBlocks(Path page) {
        List<String> lines;
        try {
            lines = new ArrayList<>(Files.readAllLines(page));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        boolean fenced = false;
        for (int i = 0; i < lines.size(); i++) {
            boolean fence = lines.get(i).startsWith("```");
            if (fenced || fence) {
                lines.set(i, "");
            }
            if (fence) {
                fenced = !fenced;
            }
        }
        return lines;
    }
}
