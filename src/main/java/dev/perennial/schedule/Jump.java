package dev.perennial.schedule;

/** A discontinuity of the learning rate: at {@code step} it goes from {@code from} straight to {@code to}. */
public record Jump(double step, double from, double to, String where) {

    /** Relative tolerance under which two learning rates count as equal (formulas differ in the last bits). */
    private static final double RELATIVE_TOLERANCE = 1e-9;

    static boolean isJump(double from, double to) {
        double scale = Math.max(Math.abs(from), Math.abs(to));
        return Math.abs(from - to) > RELATIVE_TOLERANCE * scale;
    }

    public Jump atOffset(double offset, String context) {
        return new Jump(step + offset, from, to, context + where);
    }
}
