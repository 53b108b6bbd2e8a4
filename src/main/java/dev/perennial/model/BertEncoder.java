package dev.perennial.model;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import java.nio.file.Path;
public final class BertEncoder implements AutoCloseable {
  public static BertEncoder load(Path dir, torch.ScalarType dtype) { return null; }
  public BertConfig config() { return null; }
  public Tensor lastHiddenState(Tensor ids, Tensor typeIds, Tensor mask) { return null; }
  public void close() {}
}
