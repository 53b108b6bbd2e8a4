package dev.perennial.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * Whether the machine is busy before a benchmark starts: a one-minute load average above the number of cores means
 * other work competes for them, and the figures measure the competition as much as the code.
 */
public final class MachineLoad {

    private static final Path LOADAVG = Path.of("/proc/loadavg");

    private MachineLoad() {
    }

    /** The warning for the machine now, if it is busy (empty where the load average cannot be read). */
    public static Optional<String> warning() {
        try {
            String first = Files.readString(LOADAVG).trim().split("\\s+")[0];
            return warning(Double.parseDouble(first), Runtime.getRuntime().availableProcessors());
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    static Optional<String> warning(double loadAverage, int cores) {
        if (loadAverage <= cores) {
            return Optional.empty();
        }
        return Optional.of(String.format(Locale.ROOT, "warning: the machine is busy (load average %.2f on %d cores): "
                + "other work competes for the cores, so these figures are low and vary; compare runs made on an idle "
                + "machine, and look at the spread (p10–p90, min and max)", loadAverage, cores));
    }
}
