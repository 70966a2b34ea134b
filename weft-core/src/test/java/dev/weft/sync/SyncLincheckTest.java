package dev.weft.sync;

import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;

/**
 * Linearizability of the non-waiting operations of {@link Mutex} (including its misuse check,
 * which must not corrupt the state word) and {@link Semaphore}, by Lincheck model checking and
 * stress against a sequential run.
 */
@Param(name = "n", gen = IntGen.class, conf = "0:3")
public class SyncLincheckTest {
    private final Mutex m = new Mutex();
    private final Semaphore s = new Semaphore(3);

    @Operation
    public boolean tryLock() {
        return m.tryLock();
    }

    @Operation
    public String unlock() {
        try {
            m.unlock();
            return "unlocked";
        } catch (IllegalStateException e) {
            return e.getMessage();
        }
    }

    @Operation
    public boolean tryAcquire(@Param(name = "n") int n) {
        return s.tryAcquire(n);
    }

    @Operation
    public String release(@Param(name = "n") int n) {
        try {
            s.release(n);
            return "released";
        } catch (IllegalStateException e) {
            return "over-release";
        }
    }

    @Test
    void stress() {
        new StressOptions().iterations(8).invocationsPerIteration(200).check(getClass());
    }

    @Test
    void modelCheck() {
        new ModelCheckingOptions().iterations(8).invocationsPerIteration(200).check(getClass());
    }
}
