// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.web;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mypoll.bridge.contract.Addresses;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogType;

/**
 * The official client, {@code @vertx/eventbus-bridge-client.js} as the
 * bridge serves it to the dashboard, in Chromium, on the batched address.
 */
@ExtendWith(VertxExtension.class)
class OfficialClientTest {
    /**
     * Loads the client into a page of the bridge's own origin, registers the
     * batched address and, to know the registration has been handled, the
     * status; every event's seq goes into {@code window.seqs}.
     */
    private static final String SUBSCRIBE = """
            const done = arguments[arguments.length - 1];
            const load = src => new Promise((ok, fail) => {
              const s = document.createElement('script');
              s.src = src;
              s.onload = ok;
              s.onerror = () => fail(new Error('cannot load ' + src));
              document.head.appendChild(s);
            });
            window.seqs = [];
            window.frames = 0;
            window.errors = [];
            load('lib/sockjs.min.js').then(() => load('lib/vertx-eventbus.js')).then(() => {
              const bus = new EventBus(new URL('eventbus', document.baseURI).href);
              bus.onopen = () => {
                bus.registerHandler('%s', (err, msg) => {
                  if (err) { window.errors.push(JSON.stringify(err)); return; }
                  window.frames++;
                  msg.body.forEach(e => window.seqs.push(e.seq));
                });
                let ready = false;
                bus.registerHandler('%s', () => { if (!ready) { ready = true; done('registered'); } });
              };
            }).catch(e => done(String(e)));
            """.formatted(Addresses.BROWSER_EVENT_BATCHES, Addresses.STATUS);

    private ChromeDriver browser;

    @AfterEach
    void close() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void batchedFramesBringEveryEventOfBurstsInOrderWithNoGapAndNoDuplicate(Vertx vertx) throws Exception {
        WebFixture web = new WebFixture(vertx, false, 0);
        browser = HeadlessChromium.start();
        browser.manage().timeouts().scriptTimeout(java.time.Duration.ofSeconds(15));
        // A page of the bridge's origin with nothing else on it: the bridge refuses other origins.
        browser.get("http://127.0.0.1:" + web.http.port() + "/health");
        assertEquals("registered", browser.executeAsyncScript(SUBSCRIBE), "the client connected and registered");

        // Each burst fits the socket's buffer (bridge.socketBufferBytes), and the next one comes once the
        // client has the last: a client that falls further behind has batches dropped, by design.
        int bursts = 20;
        int perBurst = 1_000;
        int total = bursts * perBurst;
        for (int i = 1; i <= bursts; i++) {
            web.device.burst(perBurst);
            long sent = (long) i * perBurst;
            // The browser is driven from this thread only.
            await("events at the client").pollInSameThread().atMost(Duration.ofSeconds(10))
                    .until(this::count, n -> n >= sent);
        }
        @SuppressWarnings("unchecked")
        List<Number> seqs = (List<Number>) browser.executeScript("return window.seqs;");
        long frames = (Long) browser.executeScript("return window.frames;");
        assertEquals(List.of(), browser.executeScript("return window.errors;"), "the client reported no error");
        assertEquals(total, web.device.stats().generated(), "the device made every event");
        assertEquals(0, web.http.dropped(), "no batch was dropped for the client");
        assertEquals(total, seqs.size(), "every event arrived once; console: "
                + browser.manage().logs().get(LogType.BROWSER).getAll());
        for (int i = 0; i < seqs.size(); i++) {
            assertEquals(i + 1, seqs.get(i).longValue(), "event " + i + " of " + seqs.size() + " in " + frames
                    + " frames");
        }
        assertTrue(frames < total / 10, "the bursts came in batches: " + frames + " frames for " + total
                + " events");
    }

    private long count() {
        return (Long) browser.executeScript("return window.seqs.length;");
    }
}
