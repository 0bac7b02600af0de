// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.device;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mypoll.bridge.contract.Addresses;
import io.mypoll.bridge.contract.EventBatch;
import io.mypoll.driver.DeviceEvent;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code mypoll.events.local}: each read of a device as one batch of its own event objects, shared, not copied. */
@ExtendWith(VertxExtension.class)
class LocalEventBatchesTest {
    private static final Duration DEADLINE = Duration.ofSeconds(20);

    private static List<EventBatch> collectBatches(Vertx vertx) {
        List<EventBatch> batches = new CopyOnWriteArrayList<>();
        vertx.eventBus().<EventBatch>localConsumer(Addresses.LOCAL_EVENT_BATCHES, m -> batches.add(m.body()))
                .completion().await();
        return batches;
    }

    private static long events(List<EventBatch> batches) {
        return batches.stream().mapToLong(b -> b.events().size()).sum();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sigio", "poll"})
    void aBurstArrivesAsBatchesOfEveryEventInOrderWithTheirSeqAndKernelTime(String notify, Vertx vertx)
            throws Exception {
        List<EventBatch> batches = collectBatches(vertx);
        DeviceFixture bridge = new DeviceFixture(vertx).device("d", 0).start(notify);
        bridge.request(Addresses.control("d"), new JsonObject().put("burst", 20_000));
        await().atMost(DEADLINE).until(() -> events(batches) >= 20_000);

        long expected = 1;
        for (EventBatch batch : batches) {
            assertEquals("d", batch.device());
            assertEquals("test-node", batch.node());
            assertEquals(batch.events().get(0).seq(), batch.firstSeq());
            for (DeviceEvent event : batch.events()) {
                assertEquals(expected++, event.seq(), "every event, in order");
                assertEquals("burst", event.typeName());
                assertTrue(event.tsNs() > 0 && event.tsNs() <= event.readNs(), "CLOCK_MONOTONIC time of the event");
            }
        }
        assertEquals(20_001, expected);
        assertTrue(batches.size() < 20_000 / 8, batches.size() + " batches: many events per read");
    }

    @Test
    void everyLocalConsumerGetsTheSameBatchObject(Vertx vertx) throws Exception {
        List<EventBatch> first = collectBatches(vertx);
        List<EventBatch> second = collectBatches(vertx);
        DeviceFixture bridge = new DeviceFixture(vertx).device("d", 0).start("sigio");
        bridge.request(Addresses.trigger("d"), new JsonObject().put("payload", "one"));
        await().atMost(DEADLINE).until(() -> !first.isEmpty() && !second.isEmpty());

        assertSame(first.get(0), second.get(0), "no copy per consumer");
    }

    @Test
    void aBatchCannotBeChangedByAConsumer(Vertx vertx) throws Exception {
        List<EventBatch> batches = collectBatches(vertx);
        DeviceFixture bridge = new DeviceFixture(vertx).device("d", 0).start("sigio");
        bridge.request(Addresses.trigger("d"), new JsonObject().put("payload", "one"));
        await().atMost(DEADLINE).until(() -> !batches.isEmpty());

        List<DeviceEvent> events = batches.get(0).events();
        assertThrows(UnsupportedOperationException.class, events::clear);
    }

    @Test
    void everyLocalConsumerOfTheJsonEventsGetsTheSameObject(Vertx vertx) throws Exception {
        List<JsonObject> first = new CopyOnWriteArrayList<>();
        List<JsonObject> second = new CopyOnWriteArrayList<>();
        vertx.eventBus().<JsonObject>consumer(Addresses.EVENTS, m -> first.add(m.body())).completion().await();
        vertx.eventBus().<JsonObject>consumer(Addresses.EVENTS, m -> second.add(m.body())).completion().await();
        DeviceFixture bridge = new DeviceFixture(vertx).device("d", 0).start("sigio");
        bridge.request(Addresses.trigger("d"), new JsonObject().put("payload", "one"));
        await().atMost(DEADLINE).until(() -> !first.isEmpty() && !second.isEmpty());

        assertEquals("one", first.get(0).getString("payload"));
        assertSame(first.get(0), second.get(0), "encoded once, not copied per consumer");
    }
}
