package dev.perennial.data;

import dev.perennial.Choice;

/** How a plain-text file is cut into documents. */
public enum TextUnit implements Choice {
    /** Documents are separated by blank lines (the default: prose files, one paragraph or section per block). */
    PARAGRAPH("paragraph"),
    /** Every non-empty line is a document (Hugging Face datasets' "text" loader). */
    LINE("line"),
    /** The whole file is one document. */
    FILE("file");

    private final String id;

    TextUnit(String id) {
        this.id = id;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String toString() {
        return id;
    }
}
