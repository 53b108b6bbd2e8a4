package dev.perennial.config;

import java.util.List;
import java.util.Map;

/**
 * A run configuration file, as written. {@code seq_len × global_batch} is the number of tokens one optimizer
 * step reads; it converts stage lengths given in tokens into steps. {@code corpora} names the prepared corpus
 * folders that stages draw from; {@code seed} fixes initialisation and data order. The rest configures training:
 * the model, its tokenizer, micro-batching, AdamW, clipping, evaluation, checkpoints and the output folder; then how
 * it computes: {@code precision} (fp32 or bf16-mixed), {@code device} (cpu or cuda), per-layer
 * {@code activation_checkpointing} and the data-parallel settings under {@code distributed}.
 */
public record RunConfig(Long seed, Long seqLen, Long globalBatch, Map<String, String> corpora,
                        List<StageConfig> stages, TrainSettings.ModelSpec model, String tokenizer, Long microBatch,
                        TrainSettings.OptimizerSpec optimizer, Double clip, TrainSettings.EvalSpec eval,
                        TrainSettings.CheckpointSpec checkpoint, String out, Long maxNonfinite,
                        String precision, String device, Boolean activationCheckpointing,
                        TrainSettings.DistributedSpec distributed) {
}
