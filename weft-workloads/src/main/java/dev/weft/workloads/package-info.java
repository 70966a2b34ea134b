/**
 * The workload catalogue: every workload that weft is measured or shown with, written once.
 * {@code weft bench} (weft-cli), {@code weft demo} (weft-cli) and the JMH benchmarks
 * (weft-bench) all run these, so a figure in one can be compared with a figure in another and a
 * fix to a workload reaches all three.
 *
 * <h2>How it is organised</h2>
 *
 * <ul>
 *   <li>{@link dev.weft.workloads.Engine}: the handful of threading primitives a workload needs
 *       (start and join a task, fork a value, a pipe of values, yield, sleep, a safe point),
 *       each done the way one peer does it idiomatically. {@link dev.weft.workloads.WeftEngine}
 *       does them with goroutines and channels, {@link dev.weft.workloads.JdkEngine} with JDK
 *       threads (virtual, platform, or any thread factory, such as weft-bench's minimal
 *       scheduler) and one fixed choice of JDK class per primitive, documented there.</li>
 *   <li>{@link dev.weft.workloads.Workloads}: the algorithms, as static methods on an engine
 *       and a size. Each times itself from inside its main task, checks its own result and
 *       throws {@link dev.weft.workloads.SelfCheckFailedException} when it is wrong, so a broken
 *       peer fails instead of producing a fast wrong number. The JMH benchmarks and the demo
 *       call these directly with their own sizes.</li>
 *   <li>{@link dev.weft.workloads.Workload}: the named rows of {@code weft bench}, each a
 *       workload of {@code Workloads} at a {@link dev.weft.workloads.Sizes size}, with its unit,
 *       processor count and operations per run; {@link dev.weft.workloads.Sizes} holds the full
 *       and quick sizes and their validation.</li>
 *   <li>{@link dev.weft.workloads.JvmPeer}: the in-JVM peers (weft M:N FIFO and PRIORITY, N:1,
 *       1:1, JDK virtual and platform threads) as engine factories, under the ids that both
 *       {@code weft bench --peers} and the JMH {@code peer} parameter use.</li>
 * </ul>
 *
 * <h2>Why a module of its own</h2>
 *
 * weft-bench and weft-cli both need the catalogue, and neither should depend on the other:
 * weft-cli on weft-bench would drag JMH into the command line's jar, weft-bench on weft-cli
 * picocli, Jackson and JFreeChart into the benchmark jar (and JMH's annotation processor over
 * the CLI). Putting the catalogue in weft-core would ship benchmark code in the runtime. So
 * it is a small module that depends on weft-core only; the root POM lists it before
 * weft-bench and weft-cli.
 */
package dev.weft.workloads;
