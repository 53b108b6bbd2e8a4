package dev.perennial.cli;

import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** {@code --version}: Perennial's version, the libtorch it was built against and the running Java. */
public final class VersionProvider implements CommandLine.IVersionProvider {

    @Override
    public String[] getVersion() {
        Properties p = new Properties();
        try (InputStream in = VersionProvider.class.getResourceAsStream("/dev/perennial/version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new String[] {
                "perennial " + p.getProperty("version", "unknown"),
                "libtorch " + p.getProperty("libtorch", "unknown") + " (bytedeco), Java " + Runtime.version()};
    }
}
