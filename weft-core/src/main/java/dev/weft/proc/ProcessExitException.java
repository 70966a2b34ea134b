package dev.weft.proc;

/**
 * How a thread of a process unwinds when the process ends ({@link WeftProcess#exit},
 * {@link WeftProcess#terminate}, or an exception escaping its primary thread): thrown from the
 * thread's next weft wait or safe point, unchecked so that {@code finally} blocks run on the way
 * out. The process absorbs it: escaping a thread of that process, it is not reported as a failure.
 * Catching it does not stop the unwinding: every later wait or safe point of the thread throws
 * again.
 */
public final class ProcessExitException extends RuntimeException {
    private final long pid;
    private final int code;

    public ProcessExitException(long pid, String name, int code) {
        super("process " + pid + " '" + name + "' is exiting with code " + code);
        this.pid = pid;
        this.code = code;
    }

    /** The process that is ending. */
    public long pid() {
        return pid;
    }

    /** Its exit code. */
    public int code() {
        return code;
    }
}
