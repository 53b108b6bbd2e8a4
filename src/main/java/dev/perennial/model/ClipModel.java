package dev.perennial.model;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import java.nio.file.Path;
public final class ClipModel implements AutoCloseable {
  public static ClipModel load(Path dir, torch.ScalarType dtype) { return null; }
  public ClipConfig config() { return null; }
  public Tensor imageEmbeds(Tensor pixels) { return null; }
  public Tensor textEmbeds(Tensor ids, Tensor mask) { return null; }
  public double logitScale() { return 0; }
  public void close() {}
}
