package dev.perennial.image;

import org.junit.jupiter.api.Test;

import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.zip.CRC32;
import java.util.zip.DeflaterOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What Pillow's open + convert("RGB") ignores, Java must ignore too: embedded ICC profiles (JPEG APP2, PNG iCCP),
 * PNG gamma, and a JPEG's missing JFIF marker (camera files carry only Exif; libjpeg still reads components 1, 2, 3
 * as YCbCr). Each file is a fixture with such a segment spliced in, so PIL's pixels are the fixture's.
 */
class PilIgnoresTest {

    private static byte[] fixture(String name) throws IOException {
        return Files.readAllBytes(Reference.DIR.resolve("files").resolve(name));
    }

    private static byte[] expected(String name) {
        return Reference.bytes("expected/decode-" + name + ".u8.gz");
    }

    /** A non-sRGB profile: converting through it would change every pixel. */
    private static byte[] linearRgbProfile() {
        return ICC_Profile.getInstance(ColorSpace.CS_LINEAR_RGB).getData();
    }

    @Test
    void jpegIccProfileIsIgnored() throws IOException {
        byte[] jpg = fixture("photo444.jpg");
        byte[] profile = linearRgbProfile();
        ByteArrayOutputStream segment = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(segment);
        d.writeShort(0xFFE2);
        d.writeShort(2 + 12 + 2 + profile.length);
        d.write("ICC_PROFILE\0".getBytes(StandardCharsets.US_ASCII));
        d.write(1);
        d.write(1);
        d.write(profile);
        byte[] withIcc = splice(jpg, 2, segment.toByteArray());
        RgbImage image = ImageFiles.read(withIcc, "icc.jpg");
        assertThat(image.rgb()).isEqualTo(expected("photo444.jpg"));
    }

    @Test
    void jpegWithoutJfifMarkerIsStillYcbcr() throws IOException {
        byte[] jpg = fixture("photo444.jpg");
        assertThat(jpg[2] & 0xFF).isEqualTo(0xFF);
        assertThat(jpg[3] & 0xFF).isEqualTo(0xE0); // APP0 JFIF right after SOI
        int length = (jpg[4] & 0xFF) << 8 | (jpg[5] & 0xFF);
        byte[] stripped = new byte[jpg.length - 2 - length];
        System.arraycopy(jpg, 0, stripped, 0, 2);
        System.arraycopy(jpg, 4 + length, stripped, 2, jpg.length - 4 - length);
        assertThat(ImageFiles.read(stripped, "nojfif.jpg").rgb()).isEqualTo(expected("photo444.jpg"));
    }

    @Test
    void pngIccProfileAndGammaAreIgnored() throws IOException {
        byte[] png = fixture("portrait.png");
        ByteArrayOutputStream iccp = new ByteArrayOutputStream();
        iccp.write("linear\0\0".getBytes(StandardCharsets.ISO_8859_1)); // name, NUL, compression method 0
        try (DeflaterOutputStream z = new DeflaterOutputStream(iccp)) {
            z.write(linearRgbProfile());
        }
        byte[] gama = {0, 0, (byte) 0x27, (byte) 0x10}; // gamma 0.1: far from the usual 1/2.2
        byte[] chunks = concat(chunk("gAMA", gama), chunk("iCCP", iccp.toByteArray()));
        byte[] withChunks = splice(png, 8 + 25, chunks); // after the signature and IHDR
        assertThat(ImageFiles.read(withChunks, "icc.png").rgb()).isEqualTo(expected("portrait.png"));
    }

    private static byte[] chunk(String type, byte[] body) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(out);
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        d.writeInt(body.length);
        d.write(t);
        d.write(body);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(body);
        d.writeInt((int) crc.getValue());
        return out.toByteArray();
    }

    private static byte[] splice(byte[] into, int at, byte[] insert) {
        return concat(java.util.Arrays.copyOf(into, at), insert, java.util.Arrays.copyOfRange(into, at, into.length));
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
