package dev.weft.proc;

import java.util.List;

/**
 * How a process ended, complete once {@link WeftProcess#waitFor} returns.
 *
 * @param pid           the process
 * @param code          its exit code
 * @param reason        what ended it
 * @param failure       what escaped the primary thread, or null; the handles' close failures are
 *                      added to it as suppressed exceptions
 * @param closeFailures what the closes of handles left open threw, in closing order (newest handle first)
 */
public record ExitRecord(long pid, int code, Reason reason, Throwable failure, List<Throwable> closeFailures) {
    /** What ended a process. */
    public enum Reason {
        /** Its last thread ended (code 0). */
        LAST_THREAD_ENDED,
        /** A thread called {@link WeftProcess#exit}. */
        EXIT,
        /** {@link WeftProcess#terminate} from any thread. */
        TERMINATED,
        /** An exception escaped the primary thread (code 1). */
        PRIMARY_FAILED
    }

    public ExitRecord {
        closeFailures = List.copyOf(closeFailures);
    }
}
