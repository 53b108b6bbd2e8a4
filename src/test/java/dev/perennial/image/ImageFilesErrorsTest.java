package dev.perennial.image;

import dev.perennial.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Bad files are one-line user errors naming the file and the supported formats. */
class ImageFilesErrorsTest {

    @TempDir
    Path dir;

    private static byte[] fixture(String name) throws IOException {
        return Files.readAllBytes(Reference.DIR.resolve("files").resolve(name));
    }

    private static void refused(byte[] bytes, String name, String... fragments) {
        assertThatThrownBy(() -> ImageFiles.read(bytes, name))
                .isInstanceOf(UserError.class)
                .satisfies(e -> {
                    assertThat(e.getMessage()).doesNotContain("\n").startsWith(name + ": ")
                            .contains(ImageFiles.SUPPORTED);
                    for (String f : fragments) {
                        assertThat(e.getMessage()).contains(f);
                    }
                });
    }

    @Test
    void emptyFile() throws IOException {
        Path empty = Files.write(dir.resolve("empty.jpg"), new byte[0]);
        assertThatThrownBy(() -> ImageFiles.read(empty))
                .isInstanceOf(UserError.class)
                .hasMessage(empty + ": the image file is empty; give a PNG, JPEG, GIF, WebP or BMP image");
    }

    @Test
    void textFileNamedPng() {
        refused("just some text, not a picture\n".getBytes(StandardCharsets.UTF_8), "notes.png", "not a supported image");
    }

    @Test
    void unsupportedFormat() {
        byte[] tiff = {'I', 'I', 42, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        refused(tiff, "scan.tiff", "not a supported image");
        refused("%PDF-1.7\n".getBytes(StandardCharsets.US_ASCII), "paper.pdf", "not a supported image");
    }

    @Test
    void truncatedPng() throws IOException {
        byte[] png = fixture("portrait.png");
        refused(Arrays.copyOf(png, png.length / 2), "half.png", "corrupt or truncated");
    }

    @Test
    void corruptPng() throws IOException {
        byte[] png = fixture("landscape.png");
        byte[] bad = png.clone();
        for (int i = 60; i < bad.length - 20; i += 7) {
            bad[i] ^= 0x5A;
        }
        refused(bad, "bad.png", "corrupt or truncated");
    }

    @Test
    void truncatedJpeg() throws IOException {
        byte[] jpg = fixture("photo420.jpg");
        refused(Arrays.copyOf(jpg, jpg.length * 2 / 3), "half.jpg", "truncated");
        refused(Arrays.copyOf(jpg, 100), "header-only.jpg", "truncated");
    }

    @Test
    void truncatedGifAndWebp() throws IOException {
        byte[] gif = fixture("anim.gif");
        refused(Arrays.copyOf(gif, 40), "cut.gif", "corrupt or truncated");
        byte[] webp = fixture("lossless.webp");
        refused(Arrays.copyOf(webp, webp.length / 2), "cut.webp", "truncated");
    }

    @Test
    void missingFile() {
        Path missing = dir.resolve("nope.png");
        assertThatThrownBy(() -> ImageFiles.read(missing))
                .isInstanceOf(UserError.class)
                .hasMessage(missing + ": no such image file");
    }

    @Test
    void absurdSizeIsRefusedFromTheHeader() throws IOException {
        // a PNG whose header says 20000 × 10000 (200 megapixels) and whose pixel data is not even there
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
        ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(ihdr);
        d.writeBytes("IHDR");
        d.writeInt(20000);
        d.writeInt(10000);
        d.write(new byte[] {8, 2, 0, 0, 0});
        byte[] chunk = ihdr.toByteArray();
        CRC32 crc = new CRC32();
        crc.update(chunk);
        DataOutputStream o = new DataOutputStream(out);
        o.writeInt(13);
        o.write(chunk);
        o.writeInt((int) crc.getValue());
        assertThatThrownBy(() -> ImageFiles.read(out.toByteArray(), "huge.png"))
                .isInstanceOf(UserError.class)
                .hasMessageContaining("huge.png")
                .hasMessageContaining("20000×10000")
                .hasMessageContaining("200 megapixels");
    }

    @Test
    void uploadsDecodeFromBytes() throws IOException {
        RgbImage fromBytes = ImageFiles.read(fixture("exif-6.jpg"), "upload");
        RgbImage fromPath = ImageFiles.read(Reference.DIR.resolve("files/exif-6.jpg"));
        assertThat(fromBytes.rgb()).isEqualTo(fromPath.rgb());
        assertThat(fromBytes.width()).isEqualTo(16); // 24 × 16 stored, orientation 6 turns it upright
        assertThat(fromBytes.height()).isEqualTo(24);
    }
}
