package dev.perennial.model;

import dev.perennial.UserError;
import dev.perennial.tensor.DType;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A causal language model: an {@link Architecture} and its parameters under their Hugging Face names. The
 * parameters are long-lived native tensors: create, load and close a model outside any step's PointerScope.
 */
public final class Model implements AutoCloseable {

    /** Buffers that older checkpoints carry but that are recomputed, not learned. */
    private static final List<String> IGNORED_SUFFIXES =
            List.of(".rotary_emb.inv_freq", ".attention.bias", ".attention.masked_bias");

    private final Architecture architecture;
    private final Map<String, Tensor> parameters;
    private final Architecture.Forward forward;
    private final torch.ScalarType dtype;
    /** What the parameters' memory belongs to when they view a mapped file; closed after them. */
    private final AutoCloseable storage;

    private Model(Architecture architecture, Map<String, Tensor> parameters, torch.ScalarType dtype,
                  AutoCloseable storage) {
        this.architecture = architecture;
        this.parameters = Collections.unmodifiableMap(parameters);
        this.forward = architecture.bind(this.parameters);
        this.dtype = dtype;
        this.storage = storage;
    }

    /** A new model initialised for training from scratch; the same seed gives the same weights. */
    public static Model initialise(ModelConfig config, long seed, torch.ScalarType dtype) {
        ModelConfigs.requireFits(config, "the model config", DType.of(dtype).bytes(), ModelConfigs.availableMemory());
        Architecture architecture = Architecture.of(config);
        Map<String, Tensor> params = new LinkedHashMap<>();
        TensorOptions options = new TensorOptions(dtype);
        architecture.shapes().forEach((name, shape) -> params.put(name, torch.empty(shape, options,
                new MemoryFormatOptional())));
        // libtorch's default generator is one per process: models initialised on several threads at once (data-parallel
        // ranks in one JVM) would interleave its draws and differ from run to run
        synchronized (Model.class) {
            torch.manual_seed(seed);
            try (NoGradGuard guard = new NoGradGuard()) {
                architecture.initialise(params);
            }
        }
        params.values().forEach(t -> t.requires_grad_(true));
        return new Model(architecture, params, dtype, null);
    }

    /** A buffer that checkpoints carry but that is recomputed, or the tied copy of the embeddings. */
    private static boolean ignorable(ModelConfig config, String name) {
        boolean tiedCopy = config.tiedEmbeddings() && (name.equals("lm_head.weight") || name.equals("embed_out.weight"));
        return tiedCopy || IGNORED_SUFFIXES.stream().anyMatch(name::endsWith);
    }

    /**
     * A model from named tensors (a checkpoint's): every expected parameter must be there with its shape, and
     * nothing else may be, so a wrong or damaged checkpoint is refused before it is used. {@code source} names
     * where the tensors came from in messages.
     */
    public static Model fromTensors(ModelConfig config, Map<String, Tensor> tensors, torch.ScalarType dtype,
                                    String source) {
        return fromTensors(config, tensors, dtype, source, null);
    }

    /** As above, for tensors whose memory belongs to {@code storage} (a mapping), which the model then owns. */
    public static Model fromTensors(ModelConfig config, Map<String, Tensor> tensors, torch.ScalarType dtype,
                                    String source, AutoCloseable storage) {
        Architecture architecture = Architecture.of(config);
        Map<String, long[]> shapes = architecture.shapes();
        WeightCheck.refuseMismatches(shapes, tensors, name -> ignorable(config, name), config.modelType(), source);
        Map<String, Tensor> params = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> named : tensors.entrySet()) {
            Tensor t = named.getValue();
            if (!shapes.containsKey(named.getKey())) {
                t.close(); // an ignored buffer or the tied copy of the embeddings
            } else if (t.scalar_type().value == dtype.value) {
                params.put(named.getKey(), t);
            } else {
                params.put(named.getKey(), t.to(dtype));
                t.close();
            }
        }
        Map<String, Tensor> ordered = new LinkedHashMap<>();
        shapes.keySet().forEach(name -> ordered.put(name, params.get(name).requires_grad_(true)));
        return new Model(architecture, ordered, dtype, storage);
    }

    /**
     * This model with its parameters on {@code device}, trainable there; this model is closed. A model initialised
     * on the CPU and moved has the CPU's weights, so a seed gives the same start on every device.
     */
    public Model to(Device device) {
        if (device.equals(this.device())) {
            return this;
        }
        Map<String, Tensor> moved = new LinkedHashMap<>();
        try (NoGradGuard guard = new NoGradGuard()) {
            parameters.forEach((name, t) -> moved.put(name, t.to(device, dtype).requires_grad_(true)));
        }
        close();
        return new Model(architecture, moved, dtype, null);
    }

    /** The device the parameters live on. */
    public Device device() {
        return parameters.values().iterator().next().device();
    }

    /** {@code ids} on this model's device (a copy when they are elsewhere, as a CPU batch is for a GPU model). */
    Tensor onDevice(Tensor ids) {
        Device device = device();
        return ids.device().equals(device) ? ids : ids.to(device, ids.scalar_type());
    }

    /**
     * A trainable copy of this model in {@code dtype} (the bf16 working copy of mixed-precision training), its
     * parameters its own tensors; create and close it outside step scopes.
     */
    public Model copyAs(torch.ScalarType dtype) {
        Map<String, Tensor> copies = new LinkedHashMap<>();
        try (NoGradGuard guard = new NoGradGuard()) {
            parameters.forEach((name, t) -> copies.put(name, t.to(dtype, false, true, new MemoryFormatOptional())));
        }
        return fromTensors(config(), copies, dtype, "a copy of the model in " + DType.of(dtype));
    }

    public ModelConfig config() {
        return architecture.config();
    }

    public torch.ScalarType dtype() {
        return dtype;
    }

    /** The parameters by Hugging Face name, in checkpoint order. */
    public Map<String, Tensor> parameters() {
        return parameters;
    }

    public long parameterCount() {
        return parameters.values().stream().mapToLong(Tensor::numel).sum();
    }

    /** Logits [B, T, V] of ids [B, T] (int64). */
    public Tensor logits(Tensor ids) {
        return forward.logits(onDevice(ids), null);
    }

    /** Logits of ids that continue what {@code cache} holds, extending the cache. */
    public Tensor logits(Tensor ids, KvCache cache) {
        long reach = cache.furthestPosition() + ids.size(1);
        if (reach > config().maxPositions()) {
            throw new UserError("the sequence would reach " + reach + " positions; the model "
                    + "supports " + config().maxPositions() + " (max_position_embeddings)");
        }
        return forward.logits(onDevice(ids), cache);
    }

    /**
     * Mean token-level cross-entropy of next-token prediction over a batch [B, T + 1]: inputs are the first T
     * tokens of each row, targets the last T.
     */
    public Tensor loss(Tensor batch) {
        batch = onDevice(batch);
        return nextTokenLoss(forward.logits(inputs(batch), null), targets(batch));
    }

    /** The inputs of a batch [B, T + 1]: each row's first T tokens. */
    static Tensor inputs(Tensor batch) {
        return batch.narrow(1, 0, batch.size(1) - 1);
    }

    /** The targets of a batch [B, T + 1]: each row's last T tokens. */
    static Tensor targets(Tensor batch) {
        return batch.narrow(1, 1, batch.size(1) - 1);
    }

    /** Mean cross-entropy of logits [B, T, V] against targets [B, T]. */
    static Tensor nextTokenLoss(Tensor logits, Tensor targets) {
        if (logits.scalar_type().value != torch.ScalarType.Double.value) {
            logits = logits.to(torch.ScalarType.Float); // the loss over fp32 logits, whatever the forward pass ran in
        }
        return torch.cross_entropy_loss(logits.reshape(-1, logits.size(-1)), targets.reshape(-1));
    }

    /**
     * Each row's mean token-level cross-entropy of next-token prediction over a batch [B, T + 1]: a tensor [B] whose
     * mean is {@link #loss}'s value, every row having T targets.
     */
    public Tensor sequenceLosses(Tensor batch) {
        batch = onDevice(batch);
        Tensor logits = forward.logits(inputs(batch), null);
        Tensor targets = targets(batch);
        // reduction None (at::Reduction::None = 0), ignore_index -100 and no label smoothing: torch's defaults
        Tensor tokenLosses = torch.cross_entropy_loss(logits.reshape(-1, logits.size(-1)), targets.reshape(-1),
                new TensorOptional(), 0, -100, 0.0);
        return tokenLosses.reshape(targets.size(0), targets.size(1)).mean(new long[] {1}, false,
                new ScalarTypeOptional());
    }

    /** The forward pass over this model's parameters, in its pieces (embedding, layers, head). */
    Architecture.Forward forward() {
        return forward;
    }

    /** A cache for {@code batch} sequences of up to {@code capacity} positions; create it outside step scopes. */
    public KvCache newCache(int batch, int capacity) {
        return newCache(new int[batch], capacity);
    }

    /**
     * A cache for a batch of left-padded rows, {@code padding[b]} positions before row b's first token (see
     * {@link KvCache}), of up to {@code capacity} positions including the padding; create it outside step scopes.
     */
    public KvCache newCache(int[] padding, int capacity) {
        ModelConfig c = config();
        int mostPadding = Arrays.stream(padding).max().orElse(0);
        return new KvCache(c.layers(), padding, c.kvHeads(), Math.min(capacity, c.maxPositions() + mostPadding),
                c.headDim(), dtype);
    }

    @Override
    public void close() {
        parameters.values().forEach(Tensor::close);
        if (storage != null) {
            try {
                storage.close();
            } catch (Exception e) {
                throw new IllegalStateException("could not release the model's mapped files", e);
            }
        }
    }
}
