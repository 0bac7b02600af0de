// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.config;

/** A configuration the bridge cannot start with; the message names the key. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String key, String problem) {
        super(key + ": " + problem);
    }
}
