package dev.weft.test;

import java.util.List;

/**
 * One run of a bubble under one seed: the seed, how many scheduling steps it took, the steps
 * themselves (one line each: which goroutine ran, each switch at a safe point, each jump of the
 * fake clock, the end), and what failed, if anything. Running the same body under the same seed
 * again gives the same steps.
 *
 * @param seed    the seed every scheduling choice was drawn from
 * @param steps   the number of scheduling steps
 * @param trace   the steps, in order (the first 100,000 of them)
 * @param failure what the body or one of its goroutines threw, or the deadlock report; null if
 *                the run passed
 */
public record Schedule(long seed, long steps, List<String> trace, Throwable failure) {
    public boolean failed() {
        return failure != null;
    }

    /**
     * The failure's class and message, or null; for comparing replays. A goroutine dump in the
     * message names each goroutine's Java thread id, which the JVM assigns anew on every run; those
     * are left out, so that a replay's text is the same as the original's.
     */
    public String failureText() {
        if (failure == null) {
            return null;
        }
        String message = String.valueOf(failure.getMessage());
        return failure.getClass().getName() + ": " + JAVA_THREAD_ID.matcher(message).replaceAll("");
    }

    private static final java.util.regex.Pattern JAVA_THREAD_ID = java.util.regex.Pattern.compile(" \\(java thread \\d+\\)");

    /** The last {@code n} steps, one per line. */
    public String traceTail(int n) {
        StringBuilder sb = new StringBuilder();
        int from = Math.max(0, trace.size() - n);
        if (from > 0) {
            sb.append("  ... ").append(from).append(" earlier steps\n");
        }
        for (int i = from; i < trace.size(); i++) {
            sb.append("  ").append(trace.get(i)).append('\n');
        }
        return sb.toString();
    }
}
