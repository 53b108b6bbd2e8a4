package dev.perennial.audio;

/**
 * transformers' {@code audio_utils.power_to_db} (librosa's {@code power_to_db}) with reference 1 and min_value
 * 1e-10: {@code 10 log10(max(S, 1e-10))}, then, with a range, everything below {@code max - range} raised to it.
 */
public final class PowerToDb {

    static final double MIN_VALUE = 1e-10;

    private PowerToDb() {
    }

    public static double decibels(double power) {
        return 10.0 * Math.log10(Math.max(power, MIN_VALUE));
    }

    /** Clips {@code db} in place to {@code max(db) - range} (transformers' {@code db_range}). */
    public static void clipRange(double[][] db, double range) {
        double max = Double.NEGATIVE_INFINITY;
        for (double[] row : db) {
            for (double v : row) {
                max = Math.max(max, v);
            }
        }
        for (double[] row : db) {
            for (int i = 0; i < row.length; i++) {
                row[i] = Math.max(row[i], max - range);
            }
        }
    }
}
