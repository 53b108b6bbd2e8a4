package dev.perennial.schedule;

import dev.perennial.Choice;

/** The schedule families, by the names used in configs and on the command line. */
public enum Family implements Choice {
    CONSTANT("constant"),
    COSINE("cosine"),
    WSD("wsd"),
    INVERSE_SQRT("inverse-sqrt"),
    INFINITE_COSINE("infinite-cosine"),
    INFINITE_INVERSE_SQRT("infinite-inverse-sqrt"),
    INFINITE_LINEAR("infinite-linear");

    private final String id;

    Family(String id) {
        this.id = id;
    }

    @Override
    public String id() {
        return id;
    }

    public boolean isInfinite() {
        return this == INFINITE_COSINE || this == INFINITE_INVERSE_SQRT || this == INFINITE_LINEAR;
    }

    @Override
    public String toString() {
        return id;
    }
}
