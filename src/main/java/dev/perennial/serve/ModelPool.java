package dev.perennial.serve;

import dev.perennial.checkpoint.ModelFolder;
import dev.perennial.tensor.DType;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Loaded models, shared by the requests that use them. A model is loaded on first use (its weights are mapped,
 * not copied) and stays loaded; above {@code capacity} the least recently used model that no request holds is
 * closed. A request holds its model through a {@link Lease} for as long as it generates.
 */
final class ModelPool implements AutoCloseable {

    private static final class Slot {
        final ModelFolder.Loaded loaded;
        int users;

        Slot(ModelFolder.Loaded loaded) {
            this.loaded = loaded;
        }
    }

    /** A model in use; closing it hands it back to the pool. */
    final class Lease implements AutoCloseable {
        private final Path dir;
        private final ModelFolder.Loaded loaded;
        private boolean closed;

        private Lease(Path dir, ModelFolder.Loaded loaded) {
            this.dir = dir;
            this.loaded = loaded;
        }

        ModelFolder.Loaded loaded() {
            return loaded;
        }

        @Override
        public void close() {
            synchronized (ModelPool.this) {
                if (!closed) {
                    closed = true;
                    slots.get(dir).users--;
                    evict();
                }
            }
        }
    }

    private final int capacity;
    private final Map<Path, Slot> slots = new LinkedHashMap<>(16, 0.75f, true); // access order: LRU first

    ModelPool(int capacity) {
        this.capacity = capacity;
    }

    synchronized Lease lease(Path dir) {
        Slot slot = slots.get(dir);
        if (slot == null) {
            slot = new Slot(ModelFolder.load(dir, DType.F32));
            slots.put(dir, slot);
        }
        slot.users++;
        evict();
        return new Lease(dir, slot.loaded);
    }

    synchronized int loadedCount() {
        return slots.size();
    }

    private void evict() {
        var it = slots.entrySet().iterator();
        while (slots.size() > capacity && it.hasNext()) {
            Slot slot = it.next().getValue();
            if (slot.users == 0) {
                slot.loaded.close();
                it.remove();
            }
        }
    }

    @Override
    public synchronized void close() {
        slots.values().forEach(slot -> slot.loaded.close());
        slots.clear();
    }
}
