package dev.perennial.model;

import dev.perennial.progress.Progress;
import dev.perennial.tensor.Safetensors;
import org.bytedeco.pytorch.global.torch;

import java.nio.file.Path;
import java.util.Locale;

/** Loading a model folder's weights as every command does it: mapped, with progress on standard error. */
public final class WeightFiles {

    private WeightFiles() {
    }

    /** {@code dir}'s safetensors as {@code dtype} (see {@link Safetensors#mapFolder}), with a bar over their bytes. */
    public static Safetensors.Mapped map(Path dir, torch.ScalarType dtype) {
        long bytes = Safetensors.folderBytes(dir);
        long start = System.nanoTime();
        Progress progress = Progress.console("load " + dir, "B", bytes);
        Safetensors.Mapped mapped = Safetensors.mapFolder(dir, dtype, progress::advanceTo);
        progress.finish(String.format(Locale.ROOT, "%,.1f MB of weights in %.1f s", bytes / 1e6,
                (System.nanoTime() - start) / 1e9));
        return mapped;
    }
}
