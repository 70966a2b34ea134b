package dev.weft.pool;

import dev.weft.Weft;
import java.util.concurrent.ExecutorService;

/**
 * The generic ExecutorService contract ({@link ExecutorServiceContractTest}) against
 * {@code Weft.executor()} (issue 13 asks the TCK of it too): every task is a goroutine at once, so
 * they all run together and escaped failures reach the runtime's handler.
 */
class WeftExecutorContractTest extends ExecutorServiceContractTest {
    @Override
    ExecutorService newExecutor(Weft runtime) {
        return runtime.executor();
    }

    @Override
    int concurrency() {
        return Integer.MAX_VALUE;
    }
}
