package dev.perennial.model;

import org.bytedeco.pytorch.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Where a model family names its parameters: once, each with its shape, in checkpoint order. A family writes its
 * weights as records of tensors (one per layer, one for the whole model) and one {@code declare(Parameters, config)}
 * method that builds them by calling {@link #required} and {@link #optional} for every Hugging Face name. Run over
 * {@link #shapes()} that method lists the names and shapes a checkpoint must hold (loading checks them, training
 * allocates them); run over {@link #boundTo} it fills the same records with the loaded tensors, so that
 * {@code forward()} reads record fields and no name is ever spelled twice.
 */
sealed interface Parameters {

    /** A parameter that every model of the family has. */
    Tensor required(String name, long... shape);

    /**
     * A parameter that the config may leave out (a bias, an untied head): null exactly when {@code present} is
     * false, so a tensor that the config says exists can never silently be missing.
     */
    default Tensor optional(boolean present, String name, long... shape) {
        return present ? required(name, shape) : null;
    }

    /**
     * This declaration seen from inside a composite checkpoint: every name is given {@code prefix} (a model nested
     * in another, as CLAP's text model sits under "text_model.").
     */
    default Parameters under(String prefix) {
        return new Prefixed(this, prefix);
    }

    /** {@code count} layers declared in order: layer 0's parameters first, as checkpoints list them. */
    static <L> List<L> layers(int count, IntFunction<L> layer) {
        List<L> layers = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            layers.add(layer.apply(i));
        }
        return List.copyOf(layers);
    }

    /** Collects names and shapes; every tensor it returns is null. */
    static Shapes shapes() {
        return new Shapes();
    }

    /** The names and shapes, in checkpoint order, that {@code declaration} declares. */
    static Map<String, long[]> declared(java.util.function.Consumer<Parameters> declaration) {
        Shapes shapes = shapes();
        declaration.accept(shapes);
        return shapes.toMap();
    }

    /** Counts parameters without keeping names or shapes, so a huge config costs no memory to measure. */
    static Count count() {
        return new Count();
    }

    /** Hands out the tensors of {@code tensors} (by name), refusing a name that is not there or has another shape. */
    static Parameters boundTo(Map<String, Tensor> tensors) {
        return new Bound(tensors);
    }

    /** The declaration run without tensors: the family's parameter names and shapes in checkpoint order. */
    final class Shapes implements Parameters {
        private final Map<String, long[]> shapes = new LinkedHashMap<>();

        private Shapes() {
        }

        @Override
        public Tensor required(String name, long... shape) {
            if (shapes.put(name, shape) != null) {
                throw new IllegalStateException("parameter " + name + " is declared twice");
            }
            return null;
        }

        public Map<String, long[]> toMap() {
            return shapes;
        }
    }

    /** The declaration run to count: the sum of the shapes' products, saturating at Long.MAX_VALUE. */
    final class Count implements Parameters {
        private long total;

        private Count() {
        }

        @Override
        public Tensor required(String name, long... shape) {
            try {
                total = Math.addExact(total, Arrays.stream(shape).reduce(1, Math::multiplyExact));
            } catch (ArithmeticException e) {
                total = Long.MAX_VALUE;
            }
            return null;
        }

        public long total() {
            return total;
        }
    }

    /** A declaration whose names all start with {@code prefix}. */
    record Prefixed(Parameters inner, String prefix) implements Parameters {
        @Override
        public Tensor required(String name, long... shape) {
            return inner.required(prefix + name, shape);
        }
    }

    /** The declaration run over loaded tensors. */
    record Bound(Map<String, Tensor> tensors) implements Parameters {
        @Override
        public Tensor required(String name, long... shape) {
            Tensor t = tensors.get(name);
            if (t == null) {
                throw new IllegalStateException("parameter " + name + " was not loaded");
            }
            if (!Arrays.equals(t.sizes().vec().get(), shape)) {
                throw new IllegalStateException("parameter " + name + " has shape "
                        + Arrays.toString(t.sizes().vec().get()) + ", not " + Arrays.toString(shape));
            }
            return t;
        }
    }
}
