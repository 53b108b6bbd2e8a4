package dev.perennial.pipeline;

/** Told as a task's input is worked through in steps (text-to-speech: its sentences), each when it is done. */
@FunctionalInterface
public interface StepListener {

    StepListener NONE = (done, total) -> {
    };

    void stepDone(int done, int total);
}
