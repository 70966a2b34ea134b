package dev.weft.workloads;

/**
 * A workload computed a wrong result (a sum, a count, the ring's finisher, a sleeper woken
 * early): the engine it ran on, or weft, is broken. Thrown instead of returning a figure, so
 * that a broken peer never shows up as a fast one.
 */
public final class SelfCheckFailedException extends IllegalStateException {
    SelfCheckFailedException(String what, long got, long expected) {
        super("workload self-check failed: " + what + " = " + got + ", expected " + expected);
    }
}
