package dev.perennial.experiment;

import dev.perennial.config.RunConfig;

/**
 * One run of an experiment: its name, what it stands for in the paper's protocol, the run it continues from
 * (null for runs from scratch), the replay fraction and peak learning rate of its last stage, and its config.
 */
record RunDefinition(String name, Kind kind, String parent, double replay, double maxLr, String description,
                     RunConfig config) {

    enum Kind { BASELINE, UNION, CONTINUAL }
}
