package dev.perennial.train;

import dev.perennial.UserError;
import dev.perennial.tensor.Safetensors;
import dev.perennial.tensor.Tensors;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * AdamW's state as a checkpoint holds it, whatever the worker count and sharding that wrote it or will read it:
 * one safetensors file with, for every parameter NAME, {@code exp_avg.NAME} and {@code exp_avg_sq.NAME} (float32,
 * the parameter's shape) and {@code step} (int64, one element: the optimizer steps taken). In memory the moments
 * are flat ({@link FlatLayout}, padding included), so that a rank takes its shard with one narrow. This class owns
 * the format.
 */
record OptimizerState(FlatLayout layout, long step, Tensor expAvg, Tensor expAvgSq) {

    static final String STEP = "step";
    static final String EXP_AVG = "exp_avg.";
    static final String EXP_AVG_SQ = "exp_avg_sq.";
    /** The libtorch archive that checkpoints held before this format. */
    private static final String OLD_ARCHIVE = "optimizer.pt";

    /** Writes the state atomically; refused before writing when the disk cannot hold it. */
    void write(Path file) {
        write(file, usableSpace(file.toAbsolutePath().getParent()));
    }

    /** {@link #write(Path)} with {@code usableBytes} free where {@code file} goes. */
    void write(Path file, long usableBytes) {
        long needed = bytes();
        if (needed > usableBytes) {
            throw new UserError("could not write " + file + ": the optimizer state needs about " + megabytes(needed)
                    + " but the disk has " + megabytes(usableBytes) + " free; free some space (or lower "
                    + "checkpoint.keep) and resume");
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put(STEP, Tensors.fromLongs(new long[] {step}, 1));
        for (int i = 0; i < layout.parameters().size(); i++) {
            tensors.put(EXP_AVG + layout.names().get(i), perParameter(expAvg, i));
            tensors.put(EXP_AVG_SQ + layout.names().get(i), perParameter(expAvgSq, i));
        }
        try {
            Safetensors.write(file, tensors);
        } catch (UserError e) {
            throw new UserError("could not write " + file + ": " + e.getMessage().lines().findFirst().orElse("")
                    + "; is the disk full? free some space and resume", e);
        }
    }

    /** Parameter {@code i}'s part of a flat moment, in its shape, in main memory (what a file is written from). */
    private Tensor perParameter(Tensor flat, int i) {
        Tensor p = layout.parameters().get(i);
        return flat.narrow(0, layout.offsets()[i], p.numel()).view(p.sizes().vec().get()).cpu();
    }

    /** The file's size: two float32 moments per parameter, the header and the step (an allowance of 1 MB). */
    long bytes() {
        return 2 * 4 * layout.total() + (1L << 20);
    }

    /** The state in {@code file}, for the parameters of {@code layout}; a missing or misshapen tensor is refused. */
    static OptimizerState read(Path file, FlatLayout layout) {
        if (!Files.exists(file) && Files.exists(file.resolveSibling(OLD_ARCHIVE))) {
            throw new UserError(file.getParent() + " holds AdamW's state as " + OLD_ARCHIVE + " (libtorch's archive, "
                    + "written before checkpoints became worker-count independent), which this version does not "
                    + "read; resume with the version that wrote it, or start the stage again from this checkpoint's "
                    + "model (model.init: " + file.getParent() + ")");
        }
        Map<String, Tensor> tensors = Safetensors.read(file, null);
        List<String> problems = new ArrayList<>();
        Tensor saved = tensors.get(STEP);
        if (saved == null || saved.numel() != 1) {
            problems.add(STEP + " (missing)");
        }
        long step = problems.isEmpty() ? saved.item_long() : 0;
        Tensor expAvg = torch.zeros(new long[] {layout.padded()}, layout.fp32());
        Tensor expAvgSq = torch.zeros(new long[] {layout.padded()}, layout.fp32());
        for (int i = 0; i < layout.parameters().size(); i++) {
            copyInto(tensors, EXP_AVG + layout.names().get(i), expAvg, layout, i, problems);
            copyInto(tensors, EXP_AVG_SQ + layout.names().get(i), expAvgSq, layout, i, problems);
        }
        tensors.values().forEach(Tensor::close);
        if (!problems.isEmpty()) {
            throw new UserError(file + ": not the optimizer state of this model: " + String.join(", ", problems)
                    + "; resume from a checkpoint of this run");
        }
        return new OptimizerState(layout, step, expAvg, expAvgSq);
    }

    private static void copyInto(Map<String, Tensor> tensors, String name, Tensor flat, FlatLayout layout, int i,
                                 List<String> problems) {
        Tensor saved = tensors.get(name);
        Tensor p = layout.parameters().get(i);
        if (saved == null) {
            problems.add(name + " (missing)");
        } else if (!Arrays.equals(saved.sizes().vec().get(), p.sizes().vec().get())) {
            problems.add(name + " (shape " + Arrays.toString(saved.sizes().vec().get()) + ", the parameter's "
                    + Arrays.toString(p.sizes().vec().get()) + ")");
        } else {
            flat.narrow(0, layout.offsets()[i], p.numel()).copy_(saved.reshape(-1));
        }
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
}
