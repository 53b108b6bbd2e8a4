package dev.perennial.train;

import dev.perennial.UserError;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code device:} as the trainer honours it: refused, before anything is written, where it cannot run. */
class DeviceTest {

    @TempDir
    Path dir;

    @BeforeAll
    static void corpora() throws IOException {
        TrainerTest.prepareCorpora();
    }

    @Test
    void aGpuThatIsNotThereIsRefusedBeforeTheRunFolderIsMade() throws IOException {
        Path config = Files.writeString(dir.resolve("gpu.yaml"), TrainerTest.config(dir, "gpu", 2, 2,
                torch.cuda_is_available() ? "device: cuda:99\n" : "device: cuda\n"));
        if (torch.cuda_is_available()) { // the -Pcuda build on a GPU machine (tools/gpu_check.sh)
            assertThatThrownBy(() -> TrainerTest.train(config)).isInstanceOf(UserError.class)
                    .hasMessageContaining("device: cuda:99 does not exist: this machine has");
        } else {
            assertThatThrownBy(() -> TrainerTest.train(config)).isInstanceOf(UserError.class)
                    .hasMessageContaining("device: cuda needs libtorch with CUDA")
                    .hasMessageContaining("./mvnw -Pcuda package");
        }
        assertThat(dir.resolve("gpu")).doesNotExist();
    }

    @Test
    void severalCudaWorkersAreRefusedUntilNcclIsWired() {
        Map<String, String> env = Map.of("WORLD_SIZE", "2", "RANK", "0", "MASTER_ADDR", "127.0.0.1",
                "MASTER_PORT", "1");
        assertThatThrownBy(() -> Distributed.fromEnvironment(env, 1000, true)).isInstanceOf(UserError.class)
                .hasMessageContaining("device: cuda with 2 workers needs the NCCL process group");
        assertThat(Distributed.fromEnvironment(Map.of(), 1000, true).worldSize()).isEqualTo(1);
    }
}
