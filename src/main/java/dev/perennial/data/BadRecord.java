package dev.perennial.data;

/** A record of an input that cannot become a document; {@code location} names the file and line or row. */
public final class BadRecord extends Exception {

    private final String location;

    public BadRecord(String location, String problem) {
        super(location + ": " + problem);
        this.location = location;
    }

    public String location() {
        return location;
    }
}
