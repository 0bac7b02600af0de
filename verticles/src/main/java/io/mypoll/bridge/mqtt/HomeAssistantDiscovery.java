// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.mqtt;

import io.mypoll.bridge.config.MqttOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Home Assistant's MQTT discovery ({@code mqtt.homeAssistant}): per device, a sensor whose state is the type
 * of its last event (the event's fields as attributes) and a connectivity binary sensor that is on while the
 * device is open, both unavailable while the node is offline (its last will).
 */
final class HomeAssistantDiscovery {
    private HomeAssistantDiscovery() {
    }

    /** The retained config messages, by topic. */
    static Map<String, JsonObject> configs(MqttOptions options, String node, Iterable<String> devices) {
        Map<String, JsonObject> configs = new LinkedHashMap<>();
        String nodeTopic = options.topicPrefix() + "/" + node;
        for (String device : devices) {
            String objectId = ("mypoll_" + node + "_" + device).replaceAll("[^A-Za-z0-9_-]", "_");
            JsonObject haDevice = new JsonObject()
                    .put("identifiers", new JsonArray().add(objectId))
                    .put("name", node + " " + device)
                    .put("manufacturer", "mypoll-bridge");
            String eventTopic = nodeTopic + "/" + device + (options.batches() ? "/events" : "/event");
            String last = options.batches() ? "value_json[-1]" : "value_json";
            configs.put("homeassistant/sensor/" + objectId + "/event/config", new JsonObject()
                    .put("name", "last event")
                    .put("unique_id", objectId + "_event")
                    .put("state_topic", eventTopic)
                    .put("value_template", "{{ " + last + ".type }}")
                    .put("json_attributes_topic", eventTopic)
                    .put("json_attributes_template", "{{ " + last + " | tojson }}")
                    .put("availability_topic", nodeTopic + "/status")
                    .put("device", haDevice));
            configs.put("homeassistant/binary_sensor/" + objectId + "/open/config", new JsonObject()
                    .put("name", "open")
                    .put("unique_id", objectId + "_open")
                    .put("device_class", "connectivity")
                    .put("state_topic", nodeTopic + "/" + device + "/status")
                    .put("value_template", "{{ 'ON' if value_json.open else 'OFF' }}")
                    .put("availability_topic", nodeTopic + "/status")
                    .put("device", haDevice));
        }
        return configs;
    }
}
