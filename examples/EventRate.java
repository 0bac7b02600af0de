// SPDX-License-Identifier: Apache-2.0
//
// A consumer verticle on the fast path, mypoll.events.local: each read of a
// device arrives as one EventBatch of the device's own event objects, in
// order, with no JSON and no copy. Once a second it prints, per device, the
// events it got, their seq range, the gaps in seq that no loss explains, the
// events the device lost, and the worst time from an event's kernel
// timestamp to this consumer.
//
// It runs the bridge and itself in one JVM, with the bridge's settings
// (conf/config.json, then FILE, then MYPOLL_* and -Dmypoll.*):
//
//   java -cp verticles/target/mypoll-bridge.jar examples/EventRate.java [-conf FILE] [SECONDS]

import io.mypoll.bridge.BridgeVerticle;
import io.mypoll.bridge.config.BridgeConfig;
import io.mypoll.bridge.config.ConfigLoader;
import io.mypoll.bridge.contract.Addresses;
import io.mypoll.bridge.contract.EventBatch;
import io.mypoll.bridge.contract.Sequence;
import io.mypoll.driver.DeviceEvent;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.TreeMap;

public final class EventRate extends VerticleBase {
    /** Per device, what came since the last line. Used on this verticle's event loop only. */
    private final Map<String, Second> devices = new TreeMap<>();

    @Override
    public Future<?> start() {
        vertx.setPeriodic(1000, id -> print());
        return vertx.eventBus().<EventBatch>localConsumer(Addresses.LOCAL_EVENT_BATCHES, message -> {
            EventBatch batch = message.body();
            long now = System.nanoTime();
            Second second = devices.computeIfAbsent(batch.device(), d -> new Second());
            for (DeviceEvent event : batch.events()) {
                second.add(event, now);
            }
        }).completion();
    }

    private void print() {
        devices.forEach((device, second) -> {
            if (second.events > 0) {
                System.out.printf("%s: %d events, seq %d-%d, %d gaps, %d lost, worst %.3f ms to this consumer%n",
                        device, second.events, second.firstSeq, second.lastSeq, second.gaps, second.lost,
                        second.worstNs / 1e6);
                second.reset();
            }
        });
    }

    /** A device's events of one second; the last seq is kept across seconds to see gaps. */
    private static final class Second {
        long events;
        long firstSeq;
        long lastSeq;
        long gaps;
        long lost;
        long worstNs;

        void add(DeviceEvent event, long now) {
            // A jump in seq that the loss the event reports explains is not a gap.
            if (lastSeq != 0 && !Sequence.follows(lastSeq, event.seq(), event.lost())) {
                gaps++;
            }
            if (events == 0) {
                firstSeq = event.seq();
            }
            events++;
            lastSeq = event.seq();
            lost += Math.max(0, event.lost());
            worstNs = Math.max(worstNs, now - event.tsNs());
        }

        void reset() {
            events = 0;
            gaps = 0;
            lost = 0;
            worstNs = 0;
        }
    }

    public static void main(String[] args) {
        String confFile = null;
        long seconds = 0;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("-conf") && i + 1 < args.length) {
                confFile = args[++i];
            } else {
                seconds = Long.parseLong(args[i]);
            }
        }
        Vertx vertx = Vertx.vertx();
        BridgeConfig config = BridgeConfig.from(ConfigLoader.load(vertx, confFile).await());
        vertx.deployVerticle(new BridgeVerticle(config))
                .compose(id -> vertx.deployVerticle(new EventRate()))
                .await();
        if (seconds > 0) {
            vertx.setTimer(seconds * 1000, id -> vertx.close());
        }
    }
}
