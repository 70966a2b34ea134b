package dev.weft.chan;

import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;

/**
 * Linearizability of the non-blocking channel operations (Lincheck: model checking and stress,
 * against a sequential run of the same operations). Lincheck checks only Kotlin-suspending waits,
 * so parking send/recv are covered by the other tests; here: trySend, tryRecv, close and len on
 * a buffered channel and an unbuffered one. Select is left out: its random choice has no
 * deterministic sequential specification (SelectTest checks its snapshot property instead).
 */
@Param(name = "v", gen = IntGen.class, conf = "1:3")
public class ChanLincheckTest {
    private final Chan<Integer> a = Chan.make(2);
    private final Chan<Integer> b = Chan.make();

    @Operation
    public String trySendA(@Param(name = "v") int v) {
        try {
            return String.valueOf(a.trySend(v));
        } catch (ClosedChannelException e) {
            return e.getMessage();
        }
    }

    @Operation
    public String trySendB(@Param(name = "v") int v) {
        try {
            return String.valueOf(b.trySend(v));
        } catch (ClosedChannelException e) {
            return e.getMessage();
        }
    }

    @Operation
    public Integer tryRecvA() {
        return a.tryRecv();
    }

    @Operation
    public String closeA() {
        try {
            a.close();
            return "closed";
        } catch (ClosedChannelException e) {
            return e.getMessage();
        }
    }

    @Operation
    public int lenA() {
        return a.len();
    }

    @Test
    void stress() {
        new StressOptions().iterations(10).invocationsPerIteration(300).check(getClass());
    }

    @Test
    void modelCheck() {
        new ModelCheckingOptions().iterations(10).invocationsPerIteration(300).check(getClass());
    }
}
