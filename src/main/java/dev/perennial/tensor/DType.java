package dev.perennial.tensor;

import org.bytedeco.pytorch.global.torch;

import java.util.Arrays;
import java.util.Optional;

/** The safetensors dtypes Perennial reads and writes, with their libtorch scalar types. */
public enum DType {
    F64(8, torch.ScalarType.Double),
    F32(4, torch.ScalarType.Float),
    F16(2, torch.ScalarType.Half),
    BF16(2, torch.ScalarType.BFloat16),
    I64(8, torch.ScalarType.Long),
    I32(4, torch.ScalarType.Int),
    I16(2, torch.ScalarType.Short),
    I8(1, torch.ScalarType.Char),
    U8(1, torch.ScalarType.Byte),
    BOOL(1, torch.ScalarType.Bool);

    private final int bytes;
    private final torch.ScalarType scalarType;

    DType(int bytes, torch.ScalarType scalarType) {
        this.bytes = bytes;
        this.scalarType = scalarType;
    }

    public int bytes() {
        return bytes;
    }

    public torch.ScalarType scalarType() {
        return scalarType;
    }

    public static Optional<DType> byName(String name) {
        return Arrays.stream(values()).filter(d -> d.name().equals(name)).findFirst();
    }

    public static DType of(torch.ScalarType type) {
        return Arrays.stream(values()).filter(d -> d.scalarType.value == type.value).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no safetensors dtype for " + type));
    }
}
