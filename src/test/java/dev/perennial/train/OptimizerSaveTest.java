package dev.perennial.train;

import dev.perennial.UserError;
import dev.perennial.model.Model;
import dev.perennial.model.ModelFixtures;
import dev.perennial.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Saving the optimizer state on a full disk is a user error that leaves the previous file, never a JVM abort. */
class OptimizerSaveTest {

    @TempDir
    Path dir;

    @Test
    void tooLittleFreeSpaceIsRefusedBeforeWriting() throws Exception {
        try (Model model = ModelFixtures.byteLlama(1); TrainStep step = trained(model)) {
            Path file = dir.resolve("optimizer.safetensors");
            Files.writeString(file, "previous");
            assertThatThrownBy(() -> step.save(file, 1000)).isInstanceOf(UserError.class)
                    .hasMessageContaining("the optimizer state needs about").hasMessageContaining("free some space");
            assertThat(Files.readString(file)).isEqualTo("previous");
            step.save(file);
            assertThat(Files.size(file)).isGreaterThan(2 * model.parameterCount() * 4);
            step.load(file); // the written state reads back
        }
    }

    @Test
    void aCheckpointWithLibtorchsOldArchiveIsRefusedWithAWayOut() throws Exception {
        Files.writeString(dir.resolve("optimizer.pt"), "libtorch archive");
        try (Model model = ModelFixtures.byteLlama(1); TrainStep step = new TrainStep(model, 1e-3, 0.1, 1.0)) {
            assertThatThrownBy(() -> step.load(dir.resolve("optimizer.safetensors"))).isInstanceOf(UserError.class)
                    .hasMessageContaining("optimizer.pt").hasMessageContaining("model.init: " + dir);
        }
    }

    /** A real full disk: a 64 KB tmpfs (only where this process may mount one, as root in CI can). */
    @Test
    void aFullDiskDuringTheWriteIsAUserErrorAndLeavesThePreviousFile() throws Exception {
        Path tiny = Files.createDirectories(dir.resolve("tiny"));
        assumeTrue(command("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", tiny.toString()),
                "cannot mount a tmpfs here");
        try (Model model = ModelFixtures.byteLlama(1); TrainStep step = trained(model)) {
            Path file = tiny.resolve("optimizer.safetensors");
            Files.writeString(file, "previous");
            assertThatThrownBy(() -> step.save(file)).isInstanceOf(UserError.class)
                    .hasMessageContaining("free some space");
            // past the free-space check (as when another process fills the disk meanwhile), the write itself fails
            assertThatThrownBy(() -> step.save(file, Long.MAX_VALUE)).isInstanceOf(UserError.class)
                    .hasMessageContaining("is the disk full?");
            assertThat(Files.readString(file)).isEqualTo("previous");
            try (var files = Files.list(tiny)) {
                assertThat(files).containsExactly(file); // no temporary is left beside it
            }
        } finally {
            command("umount", tiny.toString());
        }
    }

    private static TrainStep trained(Model model) {
        TrainStep step = new TrainStep(model, 1e-3, 0.1, 1.0);
        try (PointerScope scope = new PointerScope()) {
            step.step(Tensors.fromLongs(TrainStepTest.batch(1, 2, 9), 2, 9));
        }
        return step;
    }

    private static boolean command(String... args) throws Exception {
        Process p = new ProcessBuilder(args).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        return p.waitFor() == 0;
    }
}
