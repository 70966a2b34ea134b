package dev.weft.pool;

import dev.weft.Weft;
import java.util.concurrent.ExecutorService;

/** The generic ExecutorService contract ({@link ExecutorServiceContractTest}) against a {@link ThreadPool} of two workers. */
class ThreadPoolContractTest extends ExecutorServiceContractTest {
    @Override
    ExecutorService newExecutor(Weft runtime) {
        return ThreadPool.builder("contract").minWorkers(1).maxWorkers(2)
                .uncaughtExceptionHandler((t, x) -> uncaught.add(x)).build(runtime);
    }

    @Override
    int concurrency() {
        return 2;
    }
}
