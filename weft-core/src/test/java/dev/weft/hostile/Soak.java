package dev.weft.hostile;

/** Iteration counts for the hostile tier: as given, or ten times more with {@code -Dweft.soak=true}. */
final class Soak {
    private Soak() {}

    static int iterations(int n) {
        return Boolean.getBoolean("weft.soak") ? n * 10 : n;
    }
}
