package dev.perennial.image;
import java.nio.file.Path;
public final class ImageProcessor {
  public static ImageProcessor load(Path preprocessorConfig) { return null; }
  public float[] pixelValues(RgbImage image) { return null; }
  public int height() { return 0; }
  public int width() { return 0; }
}
