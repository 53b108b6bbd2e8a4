package dev.perennial.train;

import dev.perennial.Choice;

/**
 * How a run computes: {@code fp32} throughout, or {@code bf16-mixed}: fp32 master weights and AdamW state, the
 * forward and backward passes in bfloat16, the loss and norms in fp32 (the paper trains with fp16 mixed precision;
 * bf16 needs no loss scaling).
 */
public enum Precision implements Choice {
    FP32("fp32"),
    BF16_MIXED("bf16-mixed");

    private final String id;

    Precision(String id) {
        this.id = id;
    }

    @Override
    public String id() {
        return id;
    }
}
