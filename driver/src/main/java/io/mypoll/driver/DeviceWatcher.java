// SPDX-License-Identifier: Apache-2.0
package io.mypoll.driver;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Tells when something changes in the directories of device nodes that have
 * gone, so that they can be opened again when they are back: inotify,
 * through the JDK's WatchService, on one thread of its own; nothing polls.
 * Callbacks run on that thread: hand them on, as the device verticle does.
 */
public final class DeviceWatcher implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(DeviceWatcher.class.getName());
    private final WatchService service;
    private final Thread thread;
    /** Per watched directory: its key and the callbacks waiting for a change there. */
    private final Map<Path, WatchKey> keys = new ConcurrentHashMap<>();
    private final Map<WatchKey, List<Runnable>> callbacks = new ConcurrentHashMap<>();

    public DeviceWatcher(String name) throws IOException {
        service = FileSystems.getDefault().newWatchService();
        thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** A watch of one directory; cancelling it stops its callback. */
    public interface Watch {
        void cancel();
    }

    /**
     * Calls {@code onChange} whenever an entry of {@code dir} is created,
     * changed (permissions, as udev sets them just after creating a node) or
     * removed, until the watch is cancelled.
     */
    public synchronized Watch watch(Path dir, Runnable onChange) throws IOException {
        WatchKey key = keys.get(dir);
        if (key == null || !key.isValid()) {
            key = dir.register(service, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                    StandardWatchEventKinds.ENTRY_DELETE);
            keys.put(dir, key);
        }
        List<Runnable> list = callbacks.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>());
        list.add(onChange);
        return () -> list.remove(onChange);
    }

    private void run() {
        try {
            while (true) {
                WatchKey key = service.take();
                key.pollEvents();
                for (Runnable callback : callbacks.getOrDefault(key, List.of())) {
                    try {
                        callback.run();
                    } catch (RuntimeException e) {
                        LOG.log(System.Logger.Level.ERROR, "a device watch failed", e);
                    }
                }
                key.reset();
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closed
        }
    }

    @Override
    public void close() {
        try {
            service.close();
        } catch (IOException e) {
            // nothing left to release
        }
        thread.interrupt();
    }
}
