package io.mypoll.bridge;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.TreeMap;

/**
 * An example consumer: a verticle of its own that listens on
 * {@code mypoll.events}, logs every MANUAL event, and logs one summary line a
 * second. Copy it to start a consumer of your own.
 */
public final class EventLogger extends VerticleBase {
    private static final System.Logger LOG = System.getLogger(EventLogger.class.getName());

    /** Events per device and type since the last summary. */
    private final Map<String, Map<String, Long>> counts = new TreeMap<>();
    private MessageConsumer<JsonObject> consumer;

    @Override
    public Future<?> start() {
        consumer = vertx.eventBus().consumer(Addresses.EVENTS, message -> {
            JsonObject event = message.body();
            String device = event.getString("device");
            String type = event.getString("type");
            counts.computeIfAbsent(device, k -> new TreeMap<>()).merge(type, 1L, Long::sum);
            if ("manual".equals(type)) {
                LOG.log(System.Logger.Level.INFO, "manual event on {0}: seq {1}, payload \"{2}\", {3} us",
                        device, event.getLong("seq"), event.getString("payload"), event.getDouble("latencyUs"));
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
            line.append(' ').append(device).append('=').append(total).append(' ').append(byType);
        });
        LOG.log(System.Logger.Level.INFO, line.toString());
        counts.clear();
    }
}
