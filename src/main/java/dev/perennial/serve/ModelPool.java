package dev.perennial.serve;

import dev.perennial.checkpoint.ModelFolder;
import dev.perennial.pipeline.Encoder;
import dev.perennial.pipeline.PipelineOptions;
import dev.perennial.pipeline.Task;
import dev.perennial.tensor.DType;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Loaded models of both kinds (language models that generate, and the encoders that pipelines run), shared by the
 * requests that use them and counted together against one capacity (--max-loaded-models). A model is loaded on
 * first use (its weights are mapped, not copied) and stays loaded; above {@code capacity} the least recently used
 * model that no request holds is closed. A request holds its model through a {@link Lease} for as long as it runs.
 * Every load is told on the server's console: the model's name, size and load time.
 */
final class ModelPool implements AutoCloseable {

    private static final class Slot {
        final AutoCloseable loaded;
        int users;

        Slot(AutoCloseable loaded) {
            this.loaded = loaded;
        }
    }

    /** A model in use; closing it hands it back to the pool. */
    final class Lease<T extends AutoCloseable> implements AutoCloseable {
        private final Path dir;
        private final T loaded;
        private boolean closed;

        private Lease(Path dir, T loaded) {
            this.dir = dir;
            this.loaded = loaded;
        }

        T loaded() {
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
    private final Consumer<String> console;
    private final Map<Path, Slot> slots = new LinkedHashMap<>(16, 0.75f, true); // access order: LRU first

    /** {@code console} takes the line said when a model loads. */
    ModelPool(int capacity, Consumer<String> console) {
        this.capacity = capacity;
        this.console = console;
    }

    /** The language model {@code model}, for generation and log-probabilities. */
    Lease<ModelFolder.Loaded> lease(Catalog.Entry model) {
        return lease(model, ModelFolder.Loaded.class, d -> ModelFolder.load(d, DType.F32));
    }

    /**
     * The pipeline encoder of {@code model}, loaded for {@code task} (any task the model runs: the encoder serves
     * them all).
     */
    Lease<Encoder> leaseEncoder(Catalog.Entry model, Task<?, ?> task) {
        return lease(model, Encoder.class, d -> Encoder.load(task, d, PipelineOptions.defaults()));
    }

    synchronized <T extends AutoCloseable> Lease<T> lease(Catalog.Entry model, Class<T> kind,
                                                          Function<Path, T> load) {
        Path dir = model.dir();
        Slot slot = slots.get(dir);
        if (slot != null && !kind.isInstance(slot.loaded)) {
            // the folder changed kind since it was loaded (its config.json was replaced): load it anew once free
            throw ApiError.badRequest("model", "the model folder changed while loaded; try again in a moment");
        }
        if (slot == null) {
            long start = System.nanoTime();
            slot = new Slot(load.apply(dir));
            slots.put(dir, slot);
            console.accept(loadedLine(model, (System.nanoTime() - start) / 1e9));
        }
        slot.users++;
        evict();
        return new Lease<>(dir, kind.cast(slot.loaded));
    }

    /** "serve: loaded NAME (ARCHITECTURE, N parameters) in S s". */
    static String loadedLine(Catalog.Entry model, double seconds) {
        return String.format(Locale.ROOT, "serve: loaded %s (%s, %,d parameters) in %.2f s", model.name(),
                model.modelType() == null ? "unknown architecture" : model.modelType(),
                ModelInfo.parameters(model.dir()), seconds);
    }

    synchronized int loadedCount() {
        return slots.size();
    }

    private void evict() {
        var it = slots.entrySet().iterator();
        while (slots.size() > capacity && it.hasNext()) {
            Slot slot = it.next().getValue();
            if (slot.users == 0) {
                close(slot);
                it.remove();
            }
        }
    }

    private static void close(Slot slot) {
        try {
            slot.loaded.close();
        } catch (Exception e) {
            throw new IllegalStateException("closing a model failed: " + e, e);
        }
    }

    @Override
    public synchronized void close() {
        slots.values().forEach(ModelPool::close);
        slots.clear();
    }
}
