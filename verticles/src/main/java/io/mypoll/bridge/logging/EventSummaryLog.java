// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.logging;

import io.mypoll.bridge.contract.Addresses;
import io.mypoll.bridge.contract.Sequence;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.TreeMap;

/**
 * The log's summary of events ({@code logEvents}): a verticle of its own that
 * listens on {@code mypoll.events} and logs one line a second, "events in the
 * last second: ...", with the events per device and type, the seq gaps seen
 * so far, and each device's last MANUAL event of that second, and a warning
 * per overrun. Manual events are summed up rather than logged one by one: a
 * client that triggers as fast as it can must not flood the log. In a cluster
 * it sees the devices of every node. It is also the smallest consumer of the
 * contract: copy it to start one of your own.
 */
public final class EventSummaryLog extends VerticleBase {
    private static final System.Logger LOG = System.getLogger(EventSummaryLog.class.getName());

    /** Events per device and type since the last summary. */
    private final Map<String, Map<String, Long>> counts = new TreeMap<>();
    /** Per device: the last seq seen and the gaps since the start. */
    private final Map<String, long[]> sequence = new TreeMap<>();
    /** Per device: its last manual event since the last summary. */
    private final Map<String, JsonObject> lastManual = new TreeMap<>();
    private MessageConsumer<JsonObject> consumer;

    @Override
    public Future<?> start() {
        consumer = vertx.eventBus().consumer(Addresses.EVENTS, message -> {
            JsonObject event = message.body();
            String device = event.getString("device");
            String type = event.getString("type");
            counts.computeIfAbsent(device, k -> new TreeMap<>()).merge(type, 1L, Long::sum);
            long[] seen = sequence.computeIfAbsent(device, k -> new long[2]);
            long seq = event.getLong("seq");
            long lost = event.getLong("lost", 0L);
            // A seq below the last one is a device that started again (its node restarted), not a gap.
            if (seen[0] != 0 && seq > seen[0] && !Sequence.follows(seen[0], seq, lost)) {
                seen[1]++;
            }
            seen[0] = seq;
            if ("manual".equals(type)) {
                lastManual.put(device, event);
            } else if ("overrun".equals(type)) {
                LOG.log(System.Logger.Level.WARNING, "{0} lost {1} events", device, event.getLong("lost"));
            }
        });
        vertx.setPeriodic(1000, id -> summarize());
        return consumer.completion();
    }

    private void summarize() {
        if (counts.isEmpty()) {
            LOG.log(System.Logger.Level.INFO, "events in the last second: none");
            return;
        }
        StringBuilder line = new StringBuilder("events in the last second:");
        counts.forEach((device, byType) -> {
            long total = byType.values().stream().mapToLong(Long::longValue).sum();
            long[] seen = sequence.get(device);
            line.append(' ').append(device).append('=').append(total).append(' ').append(byType)
                    .append(" seq=").append(seen[0]).append(" gaps=").append(seen[1]);
            JsonObject manual = lastManual.get(device);
            if (manual != null) {
                // The payload is at most 40 bytes; escaped, a few times that.
                line.append(" [last manual: seq ").append(manual.getLong("seq")).append(", payload \"")
                        .append(LogText.printable(manual.getString("payload"))).append("\", ")
                        .append(manual.getDouble("latencyUs")).append(" us]");
            }
        });
        LOG.log(System.Logger.Level.INFO, line.toString());
        counts.clear();
        lastManual.clear();
    }
}
