// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.mypoll.driver.gpio.GpioLine;
import io.mypoll.driver.gpio.GpioLine.Bias;
import io.mypoll.driver.gpio.GpioLine.Direction;
import io.mypoll.driver.gpio.GpioLine.Edges;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A {@code gpio} device entry: its lines, their settings and defaults, and one line naming the key of each mistake. */
class GpioSettingsTest {
    private static GpioSettings gpio(String entry) {
        return (GpioSettings) BridgeConfig.from(new JsonObject().put("devices", new JsonArray()
                .add(new JsonObject(entry)))).devices().get(0);
    }

    private static String problem(String entry) {
        return assertThrows(ConfigException.class, () -> gpio(entry)).getMessage();
    }

    @Test
    void aButtonAndAnLedOfARaspberryPi() {
        GpioSettings pins = gpio("""
                {"id": "pins", "type": "gpio", "chip": "pinctrl-bcm2711", "lines": [
                  {"line": "GPIO17", "bias": "pull-up", "activeLow": true, "debounceMs": 20},
                  {"line": 27, "direction": "output", "value": 1}]}""");
        assertEquals(new GpioSettings("pins", "pinctrl-bcm2711", List.of(
                new GpioLine("GPIO17", -1, Direction.INPUT, Edges.BOTH, Bias.PULL_UP, true, 20_000, false),
                new GpioLine(null, 27, Direction.OUTPUT, Edges.NONE, Bias.AS_IS, false, 0, true)),
                GpioSettings.DEFAULT_EVENT_BUFFER_SIZE, GpioSettings.DEFAULT_ALLOW_TRIGGERS, false), pins);
        assertEquals(null, pins.path(), "a chip given by label has no path until it is found");
    }

    @Test
    void aBareNameOrOffsetIsAnInputWithBothEdges() {
        GpioSettings pins = gpio("{\"id\": \"p\", \"type\": \"gpio\", \"chip\": \"/dev/gpiochip0\", "
                + "\"lines\": [\"sim0\", 3]}");
        assertEquals(List.of(GpioLine.input("sim0"),
                new GpioLine(null, 3, Direction.INPUT, Edges.BOTH, Bias.AS_IS, false, 0, false)), pins.lines());
        assertEquals("/dev/gpiochip0", pins.path());
    }

    @Test
    void aDeviceWithoutItsChipNamesTheKey() {
        assertEquals("devices[0].chip: a device of type gpio needs its chip: a node such as /dev/gpiochip0, or the "
                + "chip's label as gpiodetect shows it", problem("{\"id\": \"p\", \"type\": \"gpio\", \"lines\": [1]}"));
    }

    @Test
    void aDeviceWithoutLinesNamesTheKey() {
        assertEquals("devices[0].lines: must be a list of 1 to 64 lines such as [{\"line\": \"GPIO17\"}], not []",
                problem("{\"id\": \"p\", \"type\": \"gpio\", \"chip\": \"/dev/gpiochip0\", \"lines\": []}"));
    }

    @Test
    void anOutputWithEdgesNamesTheKey() {
        assertEquals("devices[0].lines[1].edges: an output line has no edges (only inputs make events)",
                problem("{\"id\": \"p\", \"type\": \"gpio\", \"chip\": \"c\", \"lines\": [1, "
                        + "{\"line\": 2, \"direction\": \"output\", \"edges\": \"both\"}]}"));
    }

    @Test
    void aDebounceOnAnOutputNamesTheKey() {
        assertEquals("devices[0].lines[0].debounceMs: an output line has no debounce period",
                problem("{\"id\": \"p\", \"type\": \"gpio\", \"chip\": \"c\", \"lines\": ["
                        + "{\"line\": \"led\", \"direction\": \"output\", \"debounceMs\": 5}]}"));
    }

    @Test
    void aFirstValueOnAnInputNamesTheKey() {
        assertEquals("devices[0].lines[0].value: only an output line takes a first value",
                problem("{\"id\": \"p\", \"type\": \"gpio\", \"chip\": \"c\", \"lines\": [{\"line\": 4, \"value\": 1}]}"));
    }

    @Test
    void aWordOutsideItsChoicesNamesTheKeyAndTheChoices() {
        assertEquals("devices[0].lines[0].bias: must be one of as-is, pull-up, pull-down, disabled, not up",
                problem("{\"id\": \"p\", \"type\": \"gpio\", \"chip\": \"c\", \"lines\": [{\"line\": 4, \"bias\": \"up\"}]}"));
        assertEquals("devices[0].lines[0].edges: must be one of none, rising, falling, both, not any",
                problem("{\"id\": \"p\", \"type\": \"gpio\", \"chip\": \"c\", \"lines\": [{\"line\": 4, \"edges\": \"any\"}]}"));
    }

    @Test
    void aLineThatIsNeitherNameNorOffsetNamesTheKey() {
        assertEquals("devices[0].lines[0].line: must be the line's name (as gpioinfo shows it) or its offset on the "
                + "chip, not -1", problem("{\"id\": \"p\", \"type\": \"gpio\", \"chip\": \"c\", \"lines\": [-1]}"));
    }

    @Test
    void aLineGivenTwiceNamesTheKey() {
        assertEquals("devices[0].lines[1].line: line sim0 is given twice",
                problem("{\"id\": \"p\", \"type\": \"gpio\", \"chip\": \"c\", \"lines\": [\"sim0\", \"sim0\"]}"));
    }

    @Test
    void anUnknownLineKeyNamesTheKeyAndTheKnownOnes() {
        assertEquals("devices[0].lines[0].pull: unknown key for a GPIO line (known here: activeLow, bias, debounceMs, "
                + "direction, edges, line, value)",
                problem("{\"id\": \"p\", \"type\": \"gpio\", \"chip\": \"c\", \"lines\": [{\"line\": 4, \"pull\": 1}]}"));
    }

    @Test
    void aDebouncePeriodOutOfRangeNamesTheKey() {
        assertEquals("devices[0].lines[0].debounceMs: must be a number of ms from 0 to 1000, not 5000",
                problem("{\"id\": \"p\", \"type\": \"gpio\", \"chip\": \"c\", \"lines\": [{\"line\": 4, "
                        + "\"debounceMs\": 5000}]}"));
    }

    @Test
    void anEventBufferPastTheKernelsLimitNamesTheKey() {
        assertEquals("devices[0].eventBufferSize: must be from 0 to 1024, not 4096",
                problem("{\"id\": \"p\", \"type\": \"gpio\", \"chip\": \"c\", \"lines\": [4], \"eventBufferSize\": 4096}"));
    }
}
