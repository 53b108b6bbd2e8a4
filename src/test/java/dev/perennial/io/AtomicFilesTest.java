package dev.perennial.io;

import dev.perennial.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AtomicFilesTest {

    @TempDir
    Path dir;

    @Test
    void writesAndReplacesWholeFilesLeavingNoTemporaries() throws IOException {
        Path target = dir.resolve("sub/report.txt");
        AtomicFiles.writeString(target, "first");
        AtomicFiles.writeString(target, "second");
        assertThat(Files.readString(target)).isEqualTo("second");
        try (var files = Files.list(target.getParent())) {
            assertThat(files).containsExactly(target);
        }
    }

    @Test
    void aFailedWriteKeepsTheOldContent() throws IOException {
        Path target = dir.resolve("report.txt");
        AtomicFiles.writeString(target, "complete");
        assertThatThrownBy(() -> AtomicFiles.write(target, out -> {
            out.write("half".getBytes());
            throw new IOException("disk full");
        })).isInstanceOf(UserError.class).hasMessageContaining("could not write").hasMessageContaining("disk full");
        assertThat(Files.readString(target)).isEqualTo("complete");
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(target);
        }
    }
}
