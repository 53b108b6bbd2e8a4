package dev.perennial.train;

import dev.perennial.UserError;
import dev.perennial.io.AtomicFiles;
import dev.perennial.model.CheckpointedLoss;
import dev.perennial.model.Model;
import dev.perennial.tensor.DType;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.pytorch.AdamW;
import org.bytedeco.pytorch.AdamWOptions;
import org.bytedeco.pytorch.ArchiveWriter;
import org.bytedeco.pytorch.InputArchive;
import org.bytedeco.pytorch.OptimizerParamGroup;
import org.bytedeco.pytorch.OutputArchive;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One optimizer step as the paper takes it: forward and backward over the micro-batches of a global batch
 * (gradients accumulated, at the run's precision: {@link MixedPrecision}), clipping to a global norm, and AdamW (default β = (0.9, 0.95), ε = 1e-8, decoupled
 * weight decay 0.1 on matrices and embeddings, none on norms and biases). A step whose loss or gradient is not
 * finite changes nothing. The optimizer and its state live as long as this object; call {@link #step} inside the
 * caller's PointerScope.
 */
public final class TrainStep implements AutoCloseable {

    public static final double BETA1 = 0.9;
    public static final double BETA2 = 0.95;
    public static final double EPS = 1e-8;
    public static final double WEIGHT_DECAY = 0.1;
    public static final double CLIP = 1.0;

    /** AdamW's settings; the learning rate is set per step. */
    public record Settings(double beta1, double beta2, double eps, double weightDecay, double clip) {
    }

    /** The mean loss, the gradient norm before clipping, and whether the step was applied (both finite). */
    public record Result(double loss, double gradNorm, boolean applied) {
    }

    private final Model model;
    private final AdamW optimizer;
    private final TensorVector all;
    private final double clip;
    private final MixedPrecision passes;
    private Distributed distributed = Distributed.single();
    private boolean checkpointActivations;

    public TrainStep(Model model, double lr, double weightDecay, double clip) {
        this(model, lr, new Settings(BETA1, BETA2, EPS, weightDecay, clip));
    }

    public TrainStep(Model model, double lr, Settings settings) {
        this(model, lr, settings, Precision.FP32);
    }

    /** With the forward and backward passes at {@code precision}; AdamW and its state stay at the model's (fp32). */
    public TrainStep(Model model, double lr, Settings settings, Precision precision) {
        this.model = model;
        this.passes = MixedPrecision.of(precision, model);
        this.clip = settings.clip();
        List<Tensor> decay = new ArrayList<>();
        List<Tensor> noDecay = new ArrayList<>();
        model.parameters().values().forEach(p -> (p.dim() >= 2 ? decay : noDecay).add(p));
        this.all = new TensorVector(model.parameters().values().toArray(Tensor[]::new));
        this.optimizer = new AdamW(new TensorVector(decay.toArray(Tensor[]::new)),
                options(lr, settings, settings.weightDecay()));
        if (!noDecay.isEmpty()) {
            optimizer.add_param_group(new OptimizerParamGroup(new TensorVector(noDecay.toArray(Tensor[]::new)),
                    options(lr, settings, 0)));
        }
    }

    private static AdamWOptions options(double lr, Settings s, double weightDecay) {
        AdamWOptions options = new AdamWOptions(lr);
        options.betas().put(0, s.beta1()).put(1, s.beta2());
        options.eps().put(s.eps());
        options.weight_decay().put(weightDecay);
        return options;
    }

    /** Averages gradients and losses over the ranks of {@code group} after every backward pass (data parallelism). */
    public void distribute(Distributed group) {
        this.distributed = group;
    }

    /** Recomputes each layer in the backward pass instead of keeping its activations ({@link CheckpointedLoss}). */
    public void checkpointActivations(boolean on) {
        this.checkpointActivations = on;
    }

    /** Sets the learning rate of every parameter group, per step (docs/architecture.md, "Things that bite"). */
    public void setLearningRate(double lr) {
        for (long i = 0; i < optimizer.param_groups().size(); i++) {
            optimizer.param_groups().get(i).options().set_lr(lr);
        }
    }

    /** One step on a batch [B, T + 1] of token ids. */
    public Result step(Tensor batch) {
        return step(List.of(batch));
    }

    /** One step over micro-batches [b, T + 1] of one global batch; the loss is their mean. */
    public Result step(List<Tensor> microBatches) {
        optimizer.zero_grad(true);
        double loss = passes.accumulateGradients(microBatches, checkpointActivations);
        loss = distributed.averageGradients(model.parameters().values(), loss);
        double norm = torch.clip_grad_norm_(all, clip);
        if (!Double.isFinite(loss) || !Double.isFinite(norm)) {
            optimizer.zero_grad(true);
            return new Result(loss, norm, false);
        }
        optimizer.step();
        return new Result(loss, norm, true);
    }

    /**
     * Writes the optimizer state (AdamW's moments and step counts) in libtorch's archive format, atomically
     * ({@link AtomicFiles}), so a failed write leaves no half file and the previous checkpoint as it was.
     */
    public void save(Path file) {
        save(file, usableSpace(file.toAbsolutePath().getParent()));
    }

    /**
     * {@link #save(Path)} with {@code usableBytes} free where {@code file} goes: refused before writing when the
     * state cannot fit, since libtorch's archive writer may abort the whole JVM on a full disk instead of throwing.
     */
    void save(Path file, long usableBytes) {
        long needed = stateBytes();
        if (needed > usableBytes) {
            throw new UserError("could not write " + file + ": the optimizer state needs about " + megabytes(needed)
                    + " but the disk has " + megabytes(usableBytes) + " free; free some space (or lower "
                    + "checkpoint.keep) and resume");
        }
        AtomicFiles.write(file, out -> {
            try (OutputArchive archive = new OutputArchive();
                 ChannelWriter writer = new ChannelWriter(Channels.newChannel(out))) {
                optimizer.save(archive);
                archive.save_to(writer);
                writer.throwIfFailed();
            } catch (RuntimeException | IOException e) {
                throw new UserError("could not write " + file + ": " + String.valueOf(e.getMessage()).lines()
                        .findFirst().orElse("") + "; is the disk full? free some space and resume", e);
            }
        });
    }

    /**
     * Streams libtorch's archive into a channel. A failed write is kept here and reported after
     * {@code save_to} returns, never to libtorch: its zip writer checks a short write in a destructor, where the
     * C++ exception aborts the JVM (exit 134) instead of reaching Java.
     */
    private static final class ChannelWriter extends ArchiveWriter {
        private static final long CHUNK = 1L << 30;
        private final WritableByteChannel channel;
        private IOException failure;

        ChannelWriter(WritableByteChannel channel) {
            this.channel = channel;
        }

        @Override
        public long call(Pointer data, long size) {
            if (failure == null && size > 0) {
                try {
                    MemorySegment bytes = MemorySegment.ofAddress(data.address()).reinterpret(size);
                    for (long at = 0; at < size; at += CHUNK) {
                        ByteBuffer chunk = bytes.asSlice(at, Math.min(CHUNK, size - at)).asByteBuffer();
                        while (chunk.hasRemaining()) {
                            channel.write(chunk);
                        }
                    }
                } catch (IOException e) {
                    failure = e;
                }
            }
            return size;
        }

        void throwIfFailed() throws IOException {
            if (failure != null) {
                throw failure;
            }
        }
    }

    /**
     * AdamW keeps two moments per parameter at the parameters' precision; the archive adds names and step counts
     * (an allowance of 10% and 1 MB).
     */
    long stateBytes() {
        long moments = 2 * model.parameterCount() * DType.of(model.dtype()).bytes();
        return moments + moments / 10 + (1L << 20);
    }

    private static long usableSpace(Path dir) {
        try {
            return Files.getFileStore(dir).getUsableSpace();
        } catch (IOException e) {
            return Long.MAX_VALUE; // unknown: let the write itself report a problem
        }
    }

    private static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }

    public void load(Path file) {
        try (InputArchive archive = new InputArchive()) {
            archive.load_from(file.toString());
            optimizer.load(archive);
        }
    }

    @Override
    public void close() {
        optimizer.close();
        passes.close();
    }
}
