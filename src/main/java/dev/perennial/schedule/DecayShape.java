package dev.perennial.schedule;

import dev.perennial.Choice;

/** How warmup-stable-decay goes down in its final phase. */
public enum DecayShape implements Choice {
    LINEAR("linear"),
    COSINE("cosine"),
    ONE_MINUS_SQRT("1-sqrt");

    private final String id;

    DecayShape(String id) {
        this.id = id;
    }

    @Override
    public String id() {
        return id;
    }

    Shape shape(double from, double to) {
        return switch (this) {
            case LINEAR -> new Shape.Linear(from, to);
            case COSINE -> new Shape.Cosine(from, to);
            case ONE_MINUS_SQRT -> new Shape.OneMinusSqrt(from, to);
        };
    }

    @Override
    public String toString() {
        return id;
    }
}
