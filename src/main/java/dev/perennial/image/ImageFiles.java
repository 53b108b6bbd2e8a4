package dev.perennial.image;
import java.nio.file.Path;
public final class ImageFiles {
  public static RgbImage read(Path file) { return null; }
  public static RgbImage read(byte[] bytes, String name) { return null; }
}
