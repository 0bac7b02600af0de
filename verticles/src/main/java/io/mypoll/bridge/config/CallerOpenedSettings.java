// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.config;

/**
 * A device the application opened itself and hands to the device verticle, described as if configured:
 * its id, its kind as the type, and its path. Never in a settings file; never opened again once gone.
 */
public record CallerOpenedSettings(String id, String type, String path) implements DeviceSettings {
}
