package dev.perennial.cli;

import java.nio.file.Path;

/** A {@code --corpus [NAME=]DIR} argument: a prepared corpus folder and the name it goes by (default: its folder's). */
record CorpusArgument(String name, Path dir) {

    static CorpusArgument parse(String argument) {
        int eq = argument.indexOf('=');
        Path dir = Path.of(eq > 0 ? argument.substring(eq + 1) : argument);
        Path folder = dir.toAbsolutePath().normalize().getFileName();
        return new CorpusArgument(eq > 0 ? argument.substring(0, eq) : String.valueOf(folder), dir);
    }
}
