// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mypoll.bridge.config.SettingKey;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/CONFIGURATION.md lists exactly the keys the parser takes, each with the
 * default the code gives it: a key added to the code without its line in the
 * docs, or a line left for a key that is gone, fails here.
 */
class ConfigurationPageTest {
    private static final Path PAGE = Path.of("..", "docs", "CONFIGURATION.md");
    private static final Pattern TYPE_HEADING = Pattern.compile("### Type `(\\w+)`");
    /** The keys of each entry of a device's {@code lines} (type gpio). */
    private static final Pattern LINES_HEADING = Pattern.compile("#### Each line of type `(\\w+)`");
    private static final Pattern CODE = Pattern.compile("`([^`]+)`");

    /** One row of the page's key tables: where it is, and its default cell. */
    private record Row(String section, String key, String defaultCell) {
        String id() {
            return section + " " + key;
        }
    }

    @Test
    void thePageListsExactlyTheKeysTheParserTakes() throws IOException {
        TreeSet<String> documented = new TreeSet<>(rows(Files.readAllLines(PAGE)).keySet());
        TreeSet<String> taken = new TreeSet<>();
        for (SettingKey key : SettingKey.all()) {
            taken.add(key.section().startsWith("devices[") ? key.section() + " " + key.key()
                    : "" + " " + key.key());
        }
        TreeSet<String> missing = new TreeSet<>(taken);
        missing.removeAll(documented);
        TreeSet<String> extra = new TreeSet<>(documented);
        extra.removeAll(taken);
        assertEquals("", describe(missing, extra));
    }

    @Test
    void eachKeysDefaultIsTheCodes() throws IOException {
        Map<String, Row> documented = rows(Files.readAllLines(PAGE));
        List<String> wrong = new ArrayList<>();
        for (SettingKey key : SettingKey.all()) {
            Row row = documented.get((key.section().startsWith("devices[") ? key.section() : "") + " " + key.key());
            if (row == null) {
                continue; // the other test names it
            }
            String shown = firstCode(row.defaultCell());
            boolean stringNone = "".equals(key.defaultValue());
            if (key.defaultValue() == null ? shown != null : !sameValue(key.defaultValue(), shown)) {
                wrong.add(row.id() + ": the page says " + (shown == null ? "no value" : shown) + ", the code "
                        + (key.defaultValue() == null ? "none" : Json.encode(key.defaultValue()))
                        + (stringNone ? " (an empty string)" : ""));
            }
        }
        assertEquals(List.of(), wrong);
    }

    @Test
    void aKeyMissingFromThePageIsFound() {
        List<String> page = List.of("## Keys", "", "| key | default | meaning |", "|---|---|---|",
                "| `node` | `\"\"` | its name |");
        assertEquals(List.of(" node"), new ArrayList<>(rows(page).keySet()));
        assertTrue(SettingKey.all().stream().anyMatch(k -> k.key().equals("http.port")),
                "so a page of only this row lacks http.port");
    }

    @Test
    void aTypesTableListsItsKeysUnderThatType() {
        List<String> page = List.of("### Every device", "| `id` | required | x |", "### Type `rtc`",
                "| `path` | required | x |", "| `mode`, `hz` | `\"update\"` | x |");
        assertEquals(List.of("devices[] devices[].id", "devices[type=rtc] devices[].path",
                "devices[type=rtc] devices[].mode", "devices[type=rtc] devices[].hz"),
                new ArrayList<>(rows(page).keySet()));
    }

    /** The key rows of the page: "section key" to its row; a row may name several keys. */
    private static Map<String, Row> rows(List<String> lines) {
        Map<String, Row> rows = new LinkedHashMap<>();
        String section = "";
        String prefix = "devices[].";
        boolean fenced = false;
        for (String line : lines) {
            if (line.startsWith("```")) {
                fenced = !fenced;
            }
            if (fenced) {
                continue;
            }
            Matcher type = TYPE_HEADING.matcher(line);
            Matcher lineKeys = LINES_HEADING.matcher(line);
            if (type.matches()) {
                section = "devices[type=" + type.group(1) + "]";
                prefix = "devices[].";
            } else if (lineKeys.matches()) {
                section = "devices[type=" + lineKeys.group(1) + "]";
                prefix = "devices[].lines[].";
            } else if (line.equals("### Every device")) {
                section = "devices[]";
            } else if (line.startsWith("#")) {
                section = "";
            } else if (line.startsWith("| `")) {
                String[] cells = line.split("\\|");
                Matcher key = CODE.matcher(cells[1]);
                while (key.find()) {
                    String name = section.isEmpty() ? key.group(1) : prefix + key.group(1);
                    Row row = new Row(section, name, cells[2]);
                    rows.put(row.id(), row);
                }
            }
        }
        return rows;
    }

    private static String firstCode(String cell) {
        Matcher code = CODE.matcher(cell);
        return code.find() ? code.group(1) : null;
    }

    /** The page's value, read as JSON, against the code's: numbers by value, lists and objects whole. */
    private static boolean sameValue(Object expected, String shown) {
        if (shown == null) {
            return false;
        }
        Object parsed;
        try {
            parsed = Json.decodeValue(shown);
        } catch (RuntimeException e) {
            return false;
        }
        if (expected instanceof Number e && parsed instanceof Number p) {
            return e.doubleValue() == p.doubleValue();
        }
        if (expected instanceof JsonArray e) {
            return parsed instanceof List<?> || parsed instanceof JsonArray
                    ? e.equals(parsed instanceof JsonArray a ? a : new JsonArray((List<?>) parsed)) : false;
        }
        if (expected instanceof JsonObject e) {
            return e.equals(parsed);
        }
        return expected.equals(parsed);
    }

    private static String describe(TreeSet<String> missing, TreeSet<String> extra) {
        String text = "";
        if (!missing.isEmpty()) {
            text += "taken by the parser, not on the page: " + missing + "\n";
        }
        if (!extra.isEmpty()) {
            text += "on the page, not taken by the parser: " + extra + "\n";
        }
        return text;
    }
}
